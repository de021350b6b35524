package io.brazier.store;

import java.time.Instant;

/**
 * One stored version of a resource. {@code json} is the resource as a JSON client reads it, meta included; it is
 * null for a deletion.
 */
public record ResourceVersion(String type, String id, int version, Instant lastUpdated, boolean deleted, byte[] json) {

  public String etag() {
    return "W/\"" + version + "\"";
  }
}
