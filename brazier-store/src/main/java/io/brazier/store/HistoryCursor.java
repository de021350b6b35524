package io.brazier.store;

import java.time.Instant;

/** A position in a history listing, newest first: the last entry of a page. */
public record HistoryCursor(Instant lastUpdated, long rid, int version) {

  public String encode() {
    return lastUpdated.toEpochMilli() * 1000 + lastUpdated.getNano() / 1000 % 1000 + "." + rid + "." + version;
  }

  public static HistoryCursor decode(String text) {
    String[] parts = text.split("\\.");
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a history cursor: " + text);
    }
    long micros = Long.parseLong(parts[0]);
    Instant at = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L);
    return new HistoryCursor(at, Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
  }
}
