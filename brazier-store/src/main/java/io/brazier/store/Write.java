package io.brazier.store;

import io.brazier.fhir.search.SearchIndex;
import java.time.Instant;

/**
 * One version to store. It succeeds only if the resource's current version is {@code version - 1} (0: the resource
 * must not exist yet), which makes every write a compare-and-set: concurrent writers never lose an update.
 * {@code index} holds the search index values of the version, stored in the same transaction.
 */
public record Write(String type, String id, int version, Instant lastUpdated, byte[] json, SearchIndex index) {

  public static Write delete(String type, String id, int version, Instant lastUpdated) {
    return new Write(type, id, version, lastUpdated, null, SearchIndex.EMPTY);
  }

  public boolean deleted() {
    return json == null;
  }

  public ResourceVersion toVersion() {
    return new ResourceVersion(type, id, version, lastUpdated, deleted(), json);
  }
}
