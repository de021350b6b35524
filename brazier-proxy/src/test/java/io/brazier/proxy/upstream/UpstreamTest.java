package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.ProxyUnderTest;
import io.brazier.testkit.ClosedPort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy's calls to an upstream that is busy, away or slow: idempotent requests tried again as Retry-After says,
 * never a POST; a wait longer than the proxy's limit passed to the client instead; 502 and 504 OperationOutcomes
 * when no answer comes.
 */
class UpstreamTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private StubUpstream upstream;
  private ProxyUnderTest proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  /** An upstream that answers the first {@code busy} requests with {@code status} and Retry-After, then 200. */
  private void busyFor(int busy, int status, String retryAfter) {
    AtomicInteger requests = new AtomicInteger();
    upstream = new StubUpstream(exchange -> {
      if (requests.incrementAndGet() <= busy) {
        exchange.getResponseHeaders().set("Retry-After", retryAfter);
        StubUpstream.send(exchange, status, "text/plain", "busy");
      } else {
        StubUpstream.send(exchange, 200, "application/fhir+json", "{\"resourceType\":\"Patient\",\"id\":\"1\"}");
      }
    });
    proxy = ProxyUnderTest.start(upstream.baseUrl());
  }

  @Test
  void aReadAnswered429And503IsTriedAgainAfterRetryAfter() throws Exception {
    busyFor(2, 429, "0");

    HttpResponse<String> answer = send("GET", "/Patient/1");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(upstream.received()).hasSize(3);
  }

  @Test
  void aPostIsNeverTriedAgainAndTheClientGetsTheUpstreamsAnswer() throws Exception {
    busyFor(1, 503, "0");

    HttpResponse<String> answer = send("POST", "/Patient");

    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.headers().firstValue("Retry-After")).hasValue("0");
    assertThat(upstream.received()).hasSize(1);
  }

  @Test
  void aWaitLongerThanTheProxysLimitGoesBackToTheClient() throws Exception {
    busyFor(1, 429, "3600");

    HttpResponse<String> answer = send("GET", "/Patient/1");

    assertThat(answer.statusCode()).isEqualTo(429);
    assertThat(answer.headers().firstValue("Retry-After")).hasValue("3600");
    assertThat(upstream.received()).hasSize(1);
  }

  @Test
  void retriesStopAfterTheirNumberWithTheLastAnswer() throws Exception {
    busyFor(100, 503, "0");

    HttpResponse<String> answer = send("DELETE", "/Patient/1");

    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(upstream.received()).hasSize(1 + ProxyUnderTest.RETRIES.maxRetries());
  }

  @Test
  void anUpstreamThatRefusesConnectionsIsA502() throws Exception {
    proxy = ProxyUnderTest.start(ClosedPort.url("/fhir").toString());

    HttpResponse<String> answer = send("GET", "/Patient/1");

    assertThat(answer.statusCode()).isEqualTo(502);
    assertThat(answer.body()).contains("\"resourceType\":\"OperationOutcome\"").contains("refused the connection");
  }

  @Test
  void anUpstreamTooSlowToAnswerIsA504() throws Exception {
    CountDownLatch released = new CountDownLatch(1);
    upstream = new StubUpstream(exchange -> {
      try {
        released.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      StubUpstream.send(exchange, 200, "application/fhir+json", "{}");
    });
    proxy = ProxyUnderTest.start(upstream.baseUrl(), Optional.empty(), List.of(), ProxyUnderTest.RETRIES,
        Duration.ofMillis(300));

    HttpResponse<String> answer = send("GET", "/Patient/1");
    released.countDown();

    assertThat(answer.statusCode()).isEqualTo(504);
    assertThat(answer.body()).contains("\"code\":\"timeout\"");
  }

  @Test
  void aCookieTheUpstreamSetsIsNeverSentWithALaterRequest() throws Exception {
    upstream = new StubUpstream(exchange -> {
      exchange.getResponseHeaders().add("Set-Cookie", "session=of-the-first-caller; Path=/");
      StubUpstream.send(exchange, 200, "application/fhir+json", "{\"resourceType\":\"Patient\",\"id\":\"1\"}");
    });
    proxy = ProxyUnderTest.start(upstream.baseUrl());

    HttpResponse<String> first = send("GET", "/Patient/1");
    HttpResponse<String> second = send("GET", "/Patient/1");

    assertThat(first.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(upstream.received()).hasSize(2).allSatisfy(request -> assertThat(request.header("Cookie")).isNull());
    assertThat(upstream.received().get(1).header("Host")).isEqualTo(URI.create(upstream.baseUrl()).getAuthority());
  }

  @Test
  void aCallerWhoseReachTheUpstreamCannotTellIsRefusedWithA502() throws Exception {
    busyFor(100, 503, "0"); // the consents that decide a Reader's reach cannot be read

    HttpResponse<String> answer = send("GET", "/Patient/1", proxy.token("reader", List.of("Reader"), null));

    assertThat(answer.statusCode()).isEqualTo(502);
    assertThat(answer.body()).contains("\"resourceType\":\"OperationOutcome\"").contains("Consent");
  }

  private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
    // An Administrator: no isolation reads consents for it, so the stub upstream sees only the request.
    return send(method, path, proxy.token("caller", List.of("Administrator"), null));
  }

  private HttpResponse<String> send(String method, String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.BodyPublisher body = method.equals("POST")
        ? HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}") : HttpRequest.BodyPublishers.noBody();
    return HTTP.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/fhir+json")
        .method(method, body).build(), HttpResponse.BodyHandlers.ofString());
  }
}
