package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.Restriction;

/**
 * Where a deleted resource of the server behind the standalone proxy lies, for a restricted caller: where the version
 * it deleted did, as {@code serve --auth} decides it, read from the resource's history. A resource whose history
 * holds no version that is not a deletion (purged) lies outside, as in Brazier. A deletion a request names by its
 * version ({@code _history/3}) lies where the version before it did, whatever versions came after it. A history the
 * server cannot give (a 5xx) refuses the request (502): it does not make the resource unknown.
 */
final class Deletions {
  private final Membership membership;
  private final Lookup upstream;

  Deletions(Membership membership, Lookup upstream) {
    this.membership = membership;
    this.upstream = upstream;
  }

  /** Whether the deleted {@code type/id} lies within {@code restriction}: its newest version that is no deletion. */
  boolean reaches(Restriction restriction, String type, String id) {
    if (!membership.restricts(restriction, type)) {
      return true;
    }
    Lookup.Answer history = upstream.needed(type + "/" + id + "/_history");
    for (JsonNode entry : history.body().path("entry")) {
      JsonNode resource = entry.get("resource");
      if (resource != null) { // history comes newest first: this is the version the deletion deleted
        return membership.reaches(restriction, resource);
      }
    }
    return false;
  }

  /**
   * Whether version {@code version} of {@code type/id}, a deletion, lies within {@code restriction}: the version
   * before it, which it deleted, does (none, or a deletion, lies outside).
   */
  boolean reaches(Restriction restriction, String type, String id, String version) {
    if (!membership.restricts(restriction, type)) {
      return true;
    }
    int deleted;
    try {
      deleted = Integer.parseInt(version) - 1;
    } catch (NumberFormatException e) {
      return false; // no version Brazier would name, so none within reach
    }
    Lookup.Answer before = upstream.needed(type + "/" + id + "/_history/" + deleted);
    return before.status() == 200 && membership.reaches(restriction, before.body());
  }
}
