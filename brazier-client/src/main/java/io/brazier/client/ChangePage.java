package io.brazier.client;

import java.util.List;

/**
 * A page of the change feed, of the types asked for.
 *
 * @param next where the next page starts: every change up to it has been read, those of other types included
 * @param full whether the page is as long as asked, so more may be waiting already (the reader is behind)
 */
public record ChangePage(List<Change> changes, long next, boolean full) {

  public ChangePage {
    changes = List.copyOf(changes);
  }
}
