package io.brazier.events;

import static io.brazier.events.Publishers.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.TestServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class EventsEndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aPublisherWhoseBrokerIsAwayIsUnhealthyAndCountsItsErrors() throws Exception {
    TestServer server = Publishers.server();
    server.client().create().resource(new Patient()).execute(); // something to publish
    EventsConfig config = EventsConfig.defaults("127.0.0.1:9")
        .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ChangeFeed feed = ChangeFeed.inProcess(server.api(), server.baseUrl());
    try (EventPublisher publisher = new EventPublisher(config, feed, new Messages(config, server.fhir()),
            Publishers.database(), "away-" + Publishers.unique(), registry).start();
        EventsEndpoint endpoint = new EventsEndpoint(publisher, registry::scrape, "127.0.0.1", 0).start()) {
      await(() -> publisher.problem() != null && registry.scrape().contains("kind=\"broker\""),
          "the broker has been away too long, and a send failed");

      HttpResponse<String> health = get(endpoint, "/healthz");
      HttpResponse<String> metrics = get(endpoint, "/metrics");
      HttpResponse<String> elsewhere = get(endpoint, "/status");

      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("\"status\":\"DOWN\"").contains("Kafka has not acknowledged");
      assertThat(metrics.body()).contains("brazier_events_publishing 1.0")
          .containsPattern("brazier_events_errors_total\\{kind=\"broker\"} [1-9]")
          .contains("brazier_events_lag_changes").contains("brazier_events_lag_seconds");
      assertThat(elsewhere.statusCode()).isEqualTo(404);
    }
  }

  private HttpResponse<String> get(EventsEndpoint endpoint, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
