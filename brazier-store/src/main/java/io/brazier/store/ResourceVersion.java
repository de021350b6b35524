package io.brazier.store;

import java.time.Instant;

/**
 * One stored version of a resource. {@code json} is the resource as a JSON client reads it, meta included; it is
 * null for a deletion. {@code createdByPut}: the resource's first version was written by PUT [type]/[id], not POST
 * [type]; {@code recreates}: this version, though not version 1, creates the resource: it was written over a
 * deletion, which creates the resource again, or imported with no version before it; {@code patched}: this version
 * was written by PATCH [type]/[id]. History reads them to tell each version's request; other reads leave them false.
 */
public record ResourceVersion(String type, String id, int version, Instant lastUpdated, boolean deleted, byte[] json,
    boolean createdByPut, boolean recreates, boolean patched) {

  /** A version as reads other than history know it. */
  public ResourceVersion(String type, String id, int version, Instant lastUpdated, boolean deleted, byte[] json) {
    this(type, id, version, lastUpdated, deleted, json, false, false, false);
  }

  public String etag() {
    return "W/\"" + version + "\"";
  }
}
