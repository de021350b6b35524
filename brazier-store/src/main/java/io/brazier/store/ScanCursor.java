package io.brazier.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A position in a scan as of a sequence: the last version served, by the scan's order (its {@code lastUpdated}, then
 * its resource's row key). Scans resume strictly after it; {@link #encode} keeps it in a job's cursor.
 */
public record ScanCursor(Instant lastUpdated, long rid) {

  public ScanCursor {
    // The database keeps microseconds: a cursor holds no more, so that it compares equal to the row it names.
    lastUpdated = lastUpdated.truncatedTo(ChronoUnit.MICROS);
  }

  /** {@code micros.rid}: microseconds since the epoch and the row key. */
  public String encode() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, lastUpdated) + "." + rid;
  }

  public static ScanCursor decode(String text) {
    String[] parts = text.split("\\.");
    if (parts.length != 2) {
      throw new IllegalArgumentException("not a scan cursor: " + text);
    }
    return new ScanCursor(Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS), Long.parseLong(parts[1]));
  }
}
