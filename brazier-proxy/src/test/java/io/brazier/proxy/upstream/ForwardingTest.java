package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.Processor;
import io.brazier.proxy.Processors;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.ProxyUnderTest;
import io.brazier.proxy.Step;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What reaches the upstream of a request the proxy let through: the request that was authorized and no other. A
 * path the upstream would read otherwise than the proxy classified it (a dot segment, an encoded slash) is refused
 * before it leaves; a query reaches it encoded as the caller sent it, in the caller's order.
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
        .isEqualTo("/fhir/Patient?name=a%26b&family=x%3Dy&identifier=urn%3Aoid%3A1%7C2"));
  }

  @Test
  void aBrokenPercentEscapeReachesTheUpstreamAsWrittenRatherThanDropped() throws Exception {
    // Dropped, the name would no longer narrow the delete: every Patient of the identifier would go.
    // Java's HTTP client sends no such URL: the request is written on a socket.
    URI base = URI.create(proxy.baseUrl());
    String answer;
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.getOutputStream().write(("DELETE " + base.getPath() + "/Patient?identifier=x%7C1&name=100%"
          + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nAuthorization: Bearer " + administrator
          + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(answer).startsWith("HTTP/1.1 200");
    assertThat(upstream.received()).singleElement().satisfies(received -> assertThat(received.uri())
        .isEqualTo("/fhir/Patient?identifier=x%7C1&name=100%25"));
  }

  @Test
  void parametersReachTheUpstreamInTheClientsOrderRepeatedOnesToo() throws Exception {
    // A server may read an order into them: _sort's keys, the order of _include's and of the values of one code.
    HttpResponse<String> answer = send("GET", "/Patient?name=b&name=a&_sort=-birthdate&_sort=_id&gender=male,female"
        + "&_include=Patient:organization&_revinclude=Observation:subject&organization.name=x"
        + "&_has:Observation:patient:code=1234&_count=5", null);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(upstream.received()).singleElement().satisfies(received -> assertThat(received.uri())
        .isEqualTo("/fhir/Patient?name=b&name=a&_sort=-birthdate&_sort=_id&gender=male%2Cfemale"
            + "&_include=Patient%3Aorganization&_revinclude=Observation%3Asubject&organization.name=x"
            + "&_has%3AObservation%3Apatient%3Acode=1234&_count=5"));
  }

  @Test
  void aProcessorsChangeToTheQueryLeavesTheClientsOrder() throws Exception {
    Processor narrowing = new Processor() {
      @Override
      public Step before(ProxyRequest request) {
        Map<String, List<String>> query = request.queryWith("family", "Changed");
        query.put("active", List.of("true"));
        return Step.proceed(request.withQuery(query));
      }
    };
    try (ProxyUnderTest narrowed = ProxyUnderTest.start(upstream.baseUrl(), Processors.NONE.followedBy(narrowing))) {
      String token = narrowed.token("caller", List.of("Administrator"), null);

      HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(narrowed.baseUrl()
          + "/Patient?name=b&family=x&_sort=-birthdate&_sort=_id&_count=5")).header("Authorization", "Bearer " + token)
          .build(), HttpResponse.BodyHandlers.ofString());

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(upstream.received()).singleElement().satisfies(received -> assertThat(received.uri())
          .as("the changed parameter in its place, the added one after the client's")
          .isEqualTo("/fhir/Patient?name=b&family=Changed&_sort=-birthdate&_sort=_id&_count=5&active=true"));
    }
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
