package io.brazier.sync.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirClient;
import io.brazier.client.Jackson;
import io.brazier.sync.source.SourceException;
import io.brazier.sync.source.Updates;
import java.io.IOException;
import java.util.List;

/**
 * The FHIR target: every synced resource put, with its id, into another FHIR server, and every deletion deleted there.
 * It runs inside the relational target's transaction, for the resources the version guard finds newer, before the
 * checkpoint commits: a write that fails rolls the batch back to be tried again, so none is lost, and one written
 * again after a crash puts the same content at the same id.
 */
public final class FhirReplica {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  private final Updates updates;
  private final String name;

  public FhirReplica(FhirClient replica) {
    this.updates = new Updates(replica);
    this.name = replica.name();
  }

  /** A write to the replica failed; its cause is the {@link SourceException}. */
  public static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(SourceException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** Puts or deletes each item in the replica, in order. */
  void replicate(List<Item> items) {
    for (Item item : items) {
      try {
        if (item.deleted()) {
          delete(item);
        } else {
          updates.put(resource(item), null);
        }
      } catch (SourceException e) {
        throw new Failed(e);
      }
    }
  }

  private void delete(Item item) throws SourceException {
    try {
      updates.delete(item.type(), item.id(), null);
    } catch (SourceException e) {
      if (e.status() != 404 && e.status() != 410) {
        throw e;
      }
    }
  }

  /**
   * The resource as the source has it, without the version and time the replica gives its own. One that cannot be
   * sent is the change's failure (counted, then dead-lettered), never an outage of the replica to wait out.
   */
  private ObjectNode resource(Item item) {
    if (item.body() == null) {
      throw new IllegalStateException("the resource of " + item.reference() + " was not kept for " + name);
    }
    JsonNode parsed;
    try {
      parsed = JSON.readTree(item.body());
    } catch (IOException e) {
      throw new IllegalStateException("the resource of " + item.reference() + " is not JSON: " + e.getMessage());
    }
    if (!(parsed instanceof ObjectNode resource)) {
      throw new IllegalStateException("the resource of " + item.reference() + " is not a JSON object");
    }
    if (resource.get("meta") instanceof ObjectNode meta) {
      meta.remove("versionId");
      meta.remove("lastUpdated");
    }
    return resource;
  }
}
