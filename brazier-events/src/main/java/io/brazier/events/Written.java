package io.brazier.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Change;

/**
 * One committed write as the event processors see it, whether read from the change feed or from a response.
 *
 * @param sequence its number in the change feed, or 0 when it comes from a response (the standalone proxy)
 * @param version {@code meta.versionId} of the version written (of the deletion marker for a deletion)
 * @param lastUpdated when it was written, as FHIR writes an instant
 * @param source {@code meta.source} of the writer (the sync agent's {@code urn:brazier:sync}...), or null
 * @param resource the version written; for a deletion, the last version before it; null when unknown. The patient it
 *     belongs to and the sync agent's target id are read from it.
 */
public record Written(long sequence, Action action, String type, String id, String version, String lastUpdated,
    String source, ObjectNode resource) {

  /** What the write did, named as the original's {@code publish-event} and {@code sync-queue} messages name it. */
  public enum Action {
    CREATED("Created", "Create"), UPDATED("Updated", "Update"), DELETED("Deleted", "Delete");

    private final String eventName;
    private final String queueName;

    Action(String eventName, String queueName) {
      this.eventName = eventName;
      this.queueName = queueName;
    }

    /** The {@code action} of a {@code publish-event} message. */
    public String eventName() {
      return eventName;
    }

    /** The action of a {@code sync-queue} message. */
    public String queueName() {
      return queueName;
    }

    /** The action of a change read from the change feed. */
    static Action of(Change.Action action) {
      return switch (action) {
        case CREATE -> CREATED;
        case UPDATE -> UPDATED;
        case DELETE -> DELETED;
      };
    }
  }

  /** {@code Type/id}: what a message names, and the key of a resource outside every patient's compartment. */
  public String reference() {
    return type + "/" + id;
  }
}
