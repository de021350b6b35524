package io.brazier.events;

import java.time.Duration;
import java.util.Set;

/**
 * How the publisher reaches Kafka and what it publishes.
 *
 * @param bootstrapServers Kafka's {@code host:port[,host:port]} ({@code --events-kafka}); for Event Hubs the
 *     namespace's {@code <name>.servicebus.windows.net:9093}, or null to take it from the connection string
 * @param connectionString an Event Hubs connection string ({@code --events-kafka-connection-string}): the client then
 *     signs in with SASL_SSL PLAIN as {@code $ConnectionString}, as Event Hubs' Kafka endpoint expects; or null
 * @param topic where {@code publish-event} messages go ({@code --events-topic})
 * @param types the resource types published there ({@code --events-types}); empty: every type
 * @param syncQueueTopic where {@code sync-queue} messages go ({@code --sync-queue-topic})
 * @param syncQueueTypes the types queued for the sync agent ({@code --sync-queue-types}); empty: none, no queue
 * @param unhealthyAfter how long the broker may be unreachable before {@code /healthz} says so
 *     ({@code --events-unhealthy-after})
 * @param sendTimeout how long one batch may wait for the broker's acknowledgement before the publisher gives up on
 *     it and sends it again from its checkpoint ({@code --events-send-timeout})
 */
public record EventsConfig(String bootstrapServers, String connectionString, String topic, Set<String> types,
    String syncQueueTopic, Set<String> syncQueueTypes, Duration unhealthyAfter, Duration sendTimeout) {

  public static final String DEFAULT_TOPIC = "fhirevents";
  public static final String DEFAULT_SYNC_QUEUE_TOPIC = "cdsupdates";

  public EventsConfig {
    if (bootstrapServers == null && connectionString == null) {
      throw new IllegalArgumentException("--events-kafka (host:port) or --events-kafka-connection-string must be set");
    }
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("--events-topic must name a topic");
    }
    if (syncQueueTopic == null || syncQueueTopic.isBlank()) {
      throw new IllegalArgumentException("--sync-queue-topic must name a topic");
    }
    if (unhealthyAfter == null || unhealthyAfter.isNegative() || unhealthyAfter.isZero()) {
      throw new IllegalArgumentException("--events-unhealthy-after must be positive, not " + unhealthyAfter);
    }
    if (sendTimeout == null || sendTimeout.toMillis() < 1000) {
      throw new IllegalArgumentException("--events-send-timeout must be at least 1 s, not " + sendTimeout);
    }
    types = Set.copyOf(types);
    syncQueueTypes = Set.copyOf(syncQueueTypes);
  }

  /** Every write of every type to {@code fhirevents} on the broker at {@code bootstrapServers}; no sync queue. */
  public static EventsConfig defaults(String bootstrapServers) {
    return new EventsConfig(bootstrapServers, null, DEFAULT_TOPIC, Set.of(), DEFAULT_SYNC_QUEUE_TOPIC, Set.of(),
        Duration.ofSeconds(60), Duration.ofSeconds(30));
  }

  public EventsConfig withSyncQueueTypes(Set<String> newSyncQueueTypes) {
    return new EventsConfig(bootstrapServers, connectionString, topic, types, syncQueueTopic, newSyncQueueTypes,
        unhealthyAfter, sendTimeout);
  }

  public EventsConfig withTopics(String newTopic, String newSyncQueueTopic) {
    return new EventsConfig(bootstrapServers, connectionString, newTopic, types, newSyncQueueTopic, syncQueueTypes,
        unhealthyAfter, sendTimeout);
  }

  public EventsConfig withTypes(Set<String> newTypes) {
    return new EventsConfig(bootstrapServers, connectionString, topic, newTypes, syncQueueTopic, syncQueueTypes,
        unhealthyAfter, sendTimeout);
  }

  public EventsConfig withTimeouts(Duration newUnhealthyAfter, Duration newSendTimeout) {
    return new EventsConfig(bootstrapServers, connectionString, topic, types, syncQueueTopic, syncQueueTypes,
        newUnhealthyAfter, newSendTimeout);
  }

  /** Whether {@code publish-event} messages go out for {@code type}. */
  public boolean publishes(String type) {
    return types.isEmpty() || types.contains(type);
  }

  /** Whether {@code sync-queue} messages go out for {@code type}. */
  public boolean queues(String type) {
    return syncQueueTypes.contains(type);
  }
}
