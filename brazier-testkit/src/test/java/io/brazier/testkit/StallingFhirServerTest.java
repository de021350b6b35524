package io.brazier.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** A server that answers its metadata at once and holds every search until it is closed. */
class StallingFhirServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void itsMetadataSaysItServesObservationsAndComesAtOnce() throws Exception {
    try (StallingFhirServer server = new StallingFhirServer()) {
      HttpResponse<String> metadata = http.send(request(server, "metadata"), HttpResponse.BodyHandlers.ofString());

      assertThat(metadata.statusCode()).isEqualTo(200);
      assertThat(metadata.body()).contains("\"CapabilityStatement\"", "\"type\":\"Observation\"");
      assertThat(server.searches()).isZero();
    }
  }

  @Test
  void searchesWaitUntilTheServerClosesAndAreCountedMeanwhile() throws Exception {
    StallingFhirServer server = new StallingFhirServer();
    CompletableFuture<HttpResponse<String>> first = http.sendAsync(request(server, "Observation?_count=10"),
        HttpResponse.BodyHandlers.ofString());
    CompletableFuture<HttpResponse<String>> second = http.sendAsync(request(server, "Observation?_count=20"),
        HttpResponse.BodyHandlers.ofString());
    awaitSearches(server, 2);

    boolean answeredWhileOpen = first.isDone() || second.isDone();
    server.close();

    assertThat(answeredWhileOpen).isFalse();
    assertThat(first.handle((response, failure) -> true).get(30, TimeUnit.SECONDS)).as("let go once closed").isTrue();
    assertThat(second.handle((response, failure) -> true).get(30, TimeUnit.SECONDS)).isTrue();
  }

  private static void awaitSearches(StallingFhirServer server, int searches) {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (server.searches() < searches) {
      assertThat(System.nanoTime()).as(searches + " searches waiting in time").isLessThan(end);
      LockSupport.parkNanos(1_000_000);
    }
  }

  private static HttpRequest request(StallingFhirServer server, String path) {
    return HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + path)).build();
  }
}
