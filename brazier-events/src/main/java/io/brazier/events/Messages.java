package io.brazier.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.server.Caller;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The two processors of the original proxy, as messages built from writes: {@code publish-event} (a JSON
 * {@code {action, resourcetype, id, version, lastupdated, source}}, the original's fields, lower case as it wrote
 * them) for the types configured, and {@code sync-queue} (the original's {@code Type/id,Action,targetId}) for the
 * sync agent's types, except for the agent's own writes, which would come back to it. Both are keyed by patient. The
 * change feed publisher and a proxy publishing from responses ({@link ResponseWrites}) build them here alike.
 */
public final class Messages {
  private static final ObjectMapper json = Jackson.MAPPER;
  private static final String TARGET_ID_SYSTEM = "CDSEntityID";
  private static final String TARGET_ID_ELEMENT = "identifier";

  private final EventsConfig config;
  private final PatientKeys keys;

  public Messages(EventsConfig config, Fhir fhir) {
    this.config = config;
    this.keys = new PatientKeys(fhir);
  }

  /** The messages of these writes, in their order. */
  public List<Message> of(List<Written> writes) {
    List<Message> messages = new ArrayList<>(writes.size());
    for (Written write : writes) {
      boolean published = config.publishes(write.type());
      boolean queued = config.queues(write.type()) && !Caller.SYNC_AGENT_SOURCE.equals(write.source());
      if (published || queued) {
        String key = keys.key(write.type(), write.id(), write.resource());
        if (published) {
          messages.add(new Message(config.topic(), key, event(write), write.sequence()));
        }
        if (queued) {
          messages.add(new Message(config.syncQueueTopic(), key, queueEntry(write), write.sequence()));
        }
      }
    }
    return messages;
  }

  /** The root elements of a written resource that its messages are built from: its patient's and its target id's. */
  public Set<String> elements() {
    Set<String> names = new HashSet<>(keys.elements());
    names.add(TARGET_ID_ELEMENT);
    return Set.copyOf(names);
  }

  /** Whether any message goes out for writes of {@code type}: the change feed is read for these types only. */
  public boolean concerns(String type) {
    return config.publishes(type) || config.queues(type);
  }

  private static byte[] event(Written write) {
    ObjectNode event = json.createObjectNode()
        .put("action", write.action().eventName())
        .put("resourcetype", write.type())
        .put("id", write.id())
        .put("version", write.version())
        .put("lastupdated", write.lastUpdated())
        .put("source", write.source());
    return event.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code Type/id,Action,targetId}: the target id is the record the sync agent keeps for it, unknown on create. */
  private static byte[] queueEntry(Written write) {
    String targetId = write.action() == Written.Action.CREATED ? "" : targetId(write.resource());
    return (write.reference() + "," + write.action().queueName() + "," + targetId)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String targetId(JsonNode resource) {
    if (resource != null) {
      for (JsonNode identifier : resource.path("identifier")) {
        if (TARGET_ID_SYSTEM.equals(identifier.path("system").asText(null))) {
          return identifier.path("value").asText("");
        }
      }
    }
    return "";
  }
}
