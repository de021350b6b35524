package io.brazier.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * One entry of Brazier's change feed ({@link ChangeFeed}): {@code type/id} written at {@code version}, numbered
 * {@code sequence} in commit order.
 *
 * @param version the version written; null when the feed does not say (a deletion: it wrote no version to read)
 * @param source the {@code meta.source} of what was written (who wrote it), or null
 * @param lastModified when it was committed, by the server's clock, as the feed writes a FHIR instant (kept as
 *     written, for readers that pass it on)
 * @param resource the version written, when the feed carries it ({@code resources=true}): whole, or only the elements
 *     the reader asked for; null otherwise, and for a deletion
 */
public record Change(long sequence, String type, String id, Integer version, Action action, String source,
    String lastModified, ObjectNode resource) {

  /** What the write did, by the entry's {@code request.method} (and, for a PUT, its status: 201 when it created). */
  public enum Action { CREATE, UPDATE, DELETE }

  public String reference() {
    return type + "/" + id;
  }

  /** When it was committed; null when the feed does not say. */
  public Instant at() {
    return lastModified == null ? null : OffsetDateTime.parse(lastModified).toInstant();
  }
}
