package io.brazier.store;

import io.brazier.fhir.DateTimeRange;
import java.time.Instant;

/**
 * A history request: of one resource (type and id), of a type (type only) or of the whole server (neither).
 * {@code since} keeps the versions last updated at or after it; {@code at} keeps the versions that were current at
 * some point during that range (null or {@link DateTimeRange#ALWAYS}: all of them); {@code before} is the paging
 * cursor: only versions strictly older than it are returned.
 */
public record HistoryQuery(String type, String id, Instant since, DateTimeRange at, HistoryCursor before, int count) {

  public HistoryQuery {
    if (count < 1) {
      throw new IllegalArgumentException("a history page holds at least one version, not " + count);
    }
    if (at == null) {
      at = DateTimeRange.ALWAYS;
    }
  }
}
