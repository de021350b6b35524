package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.ProxyUnderTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What reaches the upstream of a request the proxy let through: the request that was authorized and no other. A
 * path the upstream would read otherwise than the proxy classified it (a dot segment, an encoded slash) is refused
 * before it leaves; a query reaches it encoded as the caller sent it.
 */
class ForwardingTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static StubUpstream upstream;
  private static ProxyUnderTest proxy;
  private static String administrator;

  @BeforeAll
  static void start() {
    upstream = new StubUpstream(exchange -> StubUpstream.send(exchange, 200, "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"id\":\"1\"}"));
    proxy = ProxyUnderTest.start(upstream.baseUrl());
    // An Administrator: no isolation reads consents for it, so the stub upstream sees only the request.
    administrator = proxy.token("caller", List.of("Administrator"), null);
  }

  @AfterAll
  static void stop() {
    proxy.close();
    upstream.close();
  }

  @BeforeEach
  void forget() {
    upstream.received().clear();
  }

  @Test
  void aDotSegmentIsRefusedRatherThanSentWhereTheUpstreamWouldResolveIt() throws Exception {
    // Checked as a compartment search of Patient "..", the upstream would resolve it to a search of Observation.
    for (String path : List.of("/Patient/%2E%2E/Observation", "/Patient/.%2E/Observation", "/Patient/%2E/1")) {
      HttpResponse<String> answer = send("GET", path, null);

      assertThat(answer.statusCode()).as(path).isEqualTo(400);
      assertThat(answer.body()).contains("\"resourceType\":\"OperationOutcome\"");
    }
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void anEncodedSlashIsRefusedRatherThanSentAsAPathOfItsOwn() throws Exception {
    HttpResponse<String> answer = send("GET", "/Patient/a%2F..%2F..%2Fmetadata", null);

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void anIdNoUrlCanHoldIsA400NotA500() throws Exception {
    HttpResponse<String> answer = send("GET", "/Patient/a%20b", null);

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).contains("\"resourceType\":\"OperationOutcome\"").contains("a b");
  }

  @Test
  void queryValuesReachTheUpstreamEncodedAsSent() throws Exception {
    HttpResponse<String> answer = send("GET", "/Patient?name=a%26b&family=x%3Dy&identifier=urn:oid:1%7C2", null);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(upstream.received()).singleElement().satisfies(received -> assertThat(received.uri())
        .isEqualTo("/fhir/Patient?family=x%3Dy&identifier=urn%3Aoid%3A1%7C2&name=a%26b"));
  }

  @Test
  void aBatchEntryWithADotSegmentIsRefusedNamingTheEntryAndNothingIsSent() throws Exception {
    String batch = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
        + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/1\"}},"
        + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/../Observation\"}}]}";

    HttpResponse<String> answer = send("POST", "", batch);

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).contains("Bundle.entry[1]");
    assertThat(upstream.received()).isEmpty();
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + path))
        .header("Authorization", "Bearer " + administrator).header("Content-Type", "application/fhir+json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
