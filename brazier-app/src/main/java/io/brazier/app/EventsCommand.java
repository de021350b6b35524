package io.brazier.app;

import io.brazier.client.HttpUrls;
import io.brazier.events.ChangeFeed;
import io.brazier.events.EventPublisher;
import io.brazier.events.EventsEndpoint;
import io.brazier.fhir.Fhir;
import io.brazier.server.FhirApi;
import io.brazier.server.ServerConfig;
import io.brazier.store.sql.Database;
import io.brazier.store.sql.PostgresStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code brazier events}: the event publisher on its own, beside servers that publish nothing themselves. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = {
        "Publishes every write of the FHIR data in the database to Kafka or Azure Event Hubs, in commit order.",
        "It follows the change feed: read in process from the database (the server's API without HTTP), or over"
            + " HTTP from --fhir-url.",
        "Its lease and checkpoint live in the database: run it on several machines and one publishes.",
        "Serves /healthz and /metrics on --port."},
    sortOptions = false)
final class EventsCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A properties file of option defaults (events-kafka=..., db-url=...). Env: BRAZIER_CONFIG.")
  Path config;

  @Option(names = "--fhir-url", paramLabel = "URL",
      description = "Read the change feed of this Brazier server ($changes) over HTTP, e.g. http://fhir:8080/fhir"
          + " (default: in process, from the database).")
  URI fhirUrl;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address of /healthz and /metrics (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8081",
      description = "Port of /healthz and /metrics (default: ${DEFAULT-VALUE}).")
  int port;

  @Mixin
  DatabaseOptions database;

  @Mixin
  EventsOptions events;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (!events.enabled()) {
      throw new ParameterException(spec.commandLine(),
          "Say where to publish: --events-kafka HOST:PORT, or --events-kafka-connection-string for Event Hubs");
    }
    if (fhirUrl != null && !HttpUrls.isHttp(fhirUrl)) {
      throw new ParameterException(spec.commandLine(), "--fhir-url must be an http(s) URL such as"
          + " http://localhost:8080/fhir, not " + fhirUrl);
    }
    Fhir fhir = new Fhir(false);
    events.config(fhir); // refuses bad flags before anything starts
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Database opened = Database.open(database.config());
    // A start that fails stops what it started: nothing else stops the embedded PostgreSQL (see DatabaseOptions).
    EventPublisher publisher;
    try {
      publisher = events.start(fhir, feed(fhir, opened), DatabaseOptions.unpooled(opened), registry);
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
    EventsEndpoint endpoint;
    try {
      endpoint = new EventsEndpoint(publisher, registry::scrape, host, port).start();
    } catch (RuntimeException e) {
      publisher.close();
      opened.close();
      throw e;
    }
    return Stopping.closing(() -> {
      endpoint.close();
      publisher.close();
      opened.close();
    }).await();
  }

  /** The change feed over HTTP, or the server's API in process over the database, without HTTP. */
  private ChangeFeed feed(Fhir fhir, Database opened) {
    if (fhirUrl != null) {
      return ChangeFeed.overHttp(fhirUrl);
    }
    PostgresStore store = new PostgresStore(opened, fhir.resourceTypes());
    return ChangeFeed.inProcess(new FhirApi(fhir, store, ServerConfig.defaults(), List.of()), "");
  }
}
