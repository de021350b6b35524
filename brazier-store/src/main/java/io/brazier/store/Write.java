package io.brazier.store;

import io.brazier.fhir.search.SearchIndex;
import java.time.Instant;

/**
 * One version to store. It succeeds only if the resource's current version is {@code version - 1} (0: the resource
 * must not exist yet), which makes every write a compare-and-set: concurrent writers never lose an update.
 * {@code index} holds the search index values of the version, stored in the same transaction; {@code source} is the
 * version's {@code meta.source} (for a deletion, the deleting caller's), which the change feed carries, or null.
 * {@code createdByPut} says that a first version was written by PUT [type]/[id] rather than POST [type] (history
 * and the change feed tell its request by it); it means nothing for a later version. {@code patched} says that a
 * later version was written by PATCH [type]/[id] (history tells its request by it; the change feed calls it an
 * update).
 */
public record Write(String type, String id, int version, Instant lastUpdated, byte[] json, SearchIndex index,
    String source, boolean createdByPut, boolean patched) {

  /** A version neither created by PUT nor written by PATCH. */
  public Write(String type, String id, int version, Instant lastUpdated, byte[] json, SearchIndex index,
      String source) {
    this(type, id, version, lastUpdated, json, index, source, false, false);
  }

  /** A version without a source. */
  public Write(String type, String id, int version, Instant lastUpdated, byte[] json, SearchIndex index) {
    this(type, id, version, lastUpdated, json, index, null);
  }

  public static Write delete(String type, String id, int version, Instant lastUpdated, String source) {
    return new Write(type, id, version, lastUpdated, null, SearchIndex.EMPTY, source);
  }

  public static Write delete(String type, String id, int version, Instant lastUpdated) {
    return delete(type, id, version, lastUpdated, null);
  }

  /** This version, written by PUT [type]/[id]. */
  public Write byPut() {
    return new Write(type, id, version, lastUpdated, json, index, source, true, patched);
  }

  /** This version, written by PATCH [type]/[id]. */
  public Write byPatch() {
    return new Write(type, id, version, lastUpdated, json, index, source, createdByPut, true);
  }

  public boolean deleted() {
    return json == null;
  }

  public ResourceVersion toVersion() {
    return new ResourceVersion(type, id, version, lastUpdated, deleted(), json, createdByPut, false, patched);
  }
}
