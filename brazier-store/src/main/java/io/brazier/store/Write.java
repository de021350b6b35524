package io.brazier.store;

import io.brazier.fhir.search.Token;
import java.time.Instant;
import java.util.List;

/**
 * One version to store. It succeeds only if the resource's current version is {@code version - 1} (0: the resource
 * must not exist yet), which makes every write a compare-and-set: concurrent writers never lose an update.
 */
public record Write(String type, String id, int version, Instant lastUpdated, byte[] json, List<Token> tokens) {

  public static Write delete(String type, String id, int version, Instant lastUpdated) {
    return new Write(type, id, version, lastUpdated, null, List.of());
  }

  public boolean deleted() {
    return json == null;
  }

  public ResourceVersion toVersion() {
    return new ResourceVersion(type, id, version, lastUpdated, deleted(), json);
  }
}
