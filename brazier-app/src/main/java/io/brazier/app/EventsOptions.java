package io.brazier.app;

import io.brazier.events.ChangeFeed;
import io.brazier.events.EventPublisher;
import io.brazier.events.EventsConfig;
import io.brazier.events.Messages;
import io.brazier.events.ResponsePublisher;
import io.brazier.fhir.Fhir;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The event publisher's options, shared by {@code brazier serve} and {@code brazier events} (publishing the change
 * feed) and {@code brazier proxy} (publishing from the answers of an upstream that has no change feed).
 */
final class EventsOptions {
  /** The publisher's name: its lease and checkpoint in the database. */
  static final String PUBLISHER = "default";

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--events-kafka", paramLabel = "HOST:PORT[,HOST:PORT]",
      description = "Publish every write to this Kafka (bootstrap servers); for Azure Event Hubs"
          + " <namespace>.servicebus.windows.net:9093 (default: no events).")
  String kafka;

  @Option(names = "--events-kafka-connection-string", paramLabel = "CONNECTION_STRING",
      description = "An Azure Event Hubs connection string (Endpoint=sb://...;SharedAccessKeyName=...;"
          + "SharedAccessKey=...): signs in with SASL_SSL PLAIN; prefer BRAZIER_EVENTS_KAFKA_CONNECTION_STRING.")
  String connectionString;

  @Option(names = "--events-topic", defaultValue = EventsConfig.DEFAULT_TOPIC, paramLabel = "TOPIC",
      description = "Topic (event hub) of the publish-event messages (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--events-types", split = ",", paramLabel = "TYPE",
      description = "Resource types published, comma separated (default: every type).")
  List<String> types = List.of();

  @Option(names = "--sync-queue-topic", defaultValue = EventsConfig.DEFAULT_SYNC_QUEUE_TOPIC, paramLabel = "TOPIC",
      description = "Topic of the sync agent's Type/id,Action,targetId messages (default: ${DEFAULT-VALUE}).")
  String syncQueueTopic;

  @Option(names = "--sync-queue-types", split = ",", paramLabel = "TYPE",
      description = "Resource types queued for the sync agent, comma separated (default: none, no queue).")
  List<String> syncQueueTypes = List.of();

  @Option(names = "--events-unhealthy-after", defaultValue = "PT60S", paramLabel = "DURATION",
      description = "/healthz answers 503 once Kafka has not acknowledged for this long; then brazier proxy's answers"
          + " stop waiting for their events, which are logged as lost (default: ${DEFAULT-VALUE}).")
  Duration unhealthyAfter;

  @Option(names = "--events-send-timeout", defaultValue = "PT30S", paramLabel = "DURATION",
      description = "Longest wait for Kafka to acknowledge a batch before sending it again"
          + " (default: ${DEFAULT-VALUE}).")
  Duration sendTimeout;

  boolean enabled() {
    return kafka != null || connectionString != null;
  }

  EventsConfig config(Fhir fhir) {
    Set<String> published = types(fhir, "--events-types", types);
    Set<String> queued = types(fhir, "--sync-queue-types", syncQueueTypes);
    return Usage.checked(spec, () -> new EventsConfig(kafka, connectionString, topic, published, syncQueueTopic,
        queued, unhealthyAfter, sendTimeout));
  }

  /** Starts publishing the writes {@code feed} reads, with its lease and checkpoint in {@code database}. */
  EventPublisher start(Fhir fhir, ChangeFeed feed, DataSource database, MeterRegistry registry) {
    EventsConfig config = config(fhir);
    return new EventPublisher(config, feed, new Messages(config, fhir), database, PUBLISHER, registry).start();
  }

  /** Publishes the writes of the answers that pass a proxy, for an upstream without a change feed. */
  ResponsePublisher responsePublisher(Fhir fhir) {
    EventsConfig config = config(fhir);
    return new ResponsePublisher(config, new Messages(config, fhir));
  }

  private Set<String> types(Fhir fhir, String option, List<String> names) {
    for (String name : names) {
      if (!fhir.isResourceType(name)) {
        throw new ParameterException(spec.commandLine(), option + ": '" + name + "' is not an R4 resource type");
      }
    }
    return Set.copyOf(names);
  }
}
