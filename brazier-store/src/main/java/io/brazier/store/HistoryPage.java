package io.brazier.store;

import java.util.List;

/**
 * A page of history, newest first; {@code next} is null on the last page. {@code positions} holds, for each version,
 * the cursor of a page that would end with it: a reader that keeps only some of the versions resumes after the last
 * one it looked at.
 */
public record HistoryPage(List<ResourceVersion> versions, List<HistoryCursor> positions, HistoryCursor next) {

  public HistoryPage {
    versions = List.copyOf(versions);
    positions = List.copyOf(positions);
  }
}
