package io.brazier.sync.source;

import java.util.List;

/**
 * A page of the change feed, of the types asked for.
 *
 * @param next where the next page starts: every change up to it has been read
 * @param full whether the server had more to give than this page (the reader is behind)
 */
public record ChangePage(List<Change> changes, long next, boolean full) {

  public ChangePage {
    changes = List.copyOf(changes);
  }
}
