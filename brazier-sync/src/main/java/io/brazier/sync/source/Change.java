package io.brazier.sync.source;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One entry of the change feed: {@code type/id} written at {@code version}, numbered {@code sequence} in commit
 * order.
 *
 * @param version the version written; null when the feed does not say (a deletion, on servers that give it no ETag)
 * @param source the {@code meta.source} of what was written (who wrote it), or null
 * @param at when it was committed, by the server's clock
 * @param resource the version written, when the feed carries it ({@code resources=true}); null otherwise, and for a
 *     deletion
 */
public record Change(long sequence, String type, String id, Integer version, Action action, String source,
    Instant at, ObjectNode resource) {

  /** What the write did. */
  public enum Action { CREATE, UPDATE, DELETE }

  public String reference() {
    return type + "/" + id;
  }

  /** The same change carrying the resource as read since. */
  public Change with(ObjectNode read) {
    return new Change(sequence, type, id, version, action, source, at, read);
  }
}
