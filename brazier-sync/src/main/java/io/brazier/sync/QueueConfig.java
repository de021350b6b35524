package io.brazier.sync;

/**
 * A Kafka topic (or an Azure Event Hub, through its Kafka endpoint) of {@code sync-queue} messages as the source of
 * changes, in place of the change feed: {@code Type/id,Action,targetId}, keyed by patient, as {@code brazier serve
 * --events --sync-queue-types ...} publishes them (and the original proxy's {@code sync-queue} processor did).
 *
 * @param bootstrapServers Kafka's {@code host:port[,host:port]}; for Event Hubs the namespace's
 *     {@code <name>.servicebus.windows.net:9093}, or null to take it from the connection string
 * @param connectionString an Event Hubs connection string, signed in with as SASL_SSL PLAIN {@code $ConnectionString};
 *     or null
 * @param topic the topic ({@code cdsupdates}, as the publisher names it by default)
 * @param group the consumer group whose committed offsets say what has been applied
 */
public record QueueConfig(String bootstrapServers, String connectionString, String topic, String group) {

  public QueueConfig {
    if (bootstrapServers == null && connectionString == null) {
      throw new IllegalArgumentException("--sync-source-kafka (host:port) or --sync-source-connection-string must be"
          + " set to read changes from a topic");
    }
    if (connectionString != null && bootstrapServers == null && !connectionString.contains("Endpoint=sb://")) {
      throw new IllegalArgumentException("--sync-source-connection-string has no Endpoint=sb://<namespace>/ to"
          + " connect to; give --sync-source-kafka <namespace>.servicebus.windows.net:9093 as well");
    }
    if (topic == null || topic.isBlank() || group == null || group.isBlank()) {
      throw new IllegalArgumentException("--sync-source-topic and --sync-source-group must be named");
    }
  }

  /** The servers to reach: the configured ones, or the Event Hubs namespace's Kafka endpoint, port 9093. */
  public String servers() {
    if (bootstrapServers != null) {
      return bootstrapServers;
    }
    String endpoint = connectionString.substring(connectionString.indexOf("Endpoint=sb://") + 14);
    return endpoint.substring(0, endpoint.indexOf('/') < 0 ? endpoint.indexOf(';') : endpoint.indexOf('/')) + ":9093";
  }
}
