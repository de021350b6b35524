package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.client.ClientCredentials;
import io.brazier.proxy.ProxyUnderTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What crosses the proxy in headers, seen by an upstream that records what it gets: the proxy's own token, the
 * allowed headers, the audit headers from the verified token (never the client's copies), forwarding headers
 * believed only from trusted proxies, and the base URL of Location and Content-Location rewritten.
 */
class HeaderRulesTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private StubUpstream upstream;
  private ProxyUnderTest proxy;

  @AfterEach
  void stop() {
    proxy.close();
    upstream.close();
  }

  private void start(List<String> trustedProxies) {
    upstream = new StubUpstream(exchange -> {
      exchange.getResponseHeaders().set("Location", upstreamBase() + "/Patient/1/_history/1");
      exchange.getResponseHeaders().set("Content-Location", upstreamBase() + "/_async/7");
      exchange.getResponseHeaders().set("Set-Cookie", "upstream-session=1");
      exchange.getResponseHeaders().set("ETag", "W/\"1\"");
      StubUpstream.send(exchange, 201, "application/fhir+json", "{\"resourceType\":\"Patient\",\"id\":\"1\"}");
    });
    ClientCredentials.Config identity = new ClientCredentials.Config(URI.create(upstream.tokenUrl()), "proxy",
        "secret", null, "https://fhir.example");
    proxy = ProxyUnderTest.start(upstream.baseUrl(), Optional.of(identity), trustedProxies, ProxyUnderTest.RETRIES,
        Duration.ofSeconds(30));
  }

  private String upstreamBase() {
    return upstream.baseUrl();
  }

  @Test
  void theUpstreamGetsTheProxysTokenTheAllowedHeadersAndAuditHeadersOfTheVerifiedCaller() throws Exception {
    start(List.of());
    // An Administrator: no isolation reads consents for it, so the stub upstream sees only the request.
    String token = proxy.sign(proxy.claims().subject("oid-7").claim("roles", List.of("Administrator")));

    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/Patient"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/fhir+json")
        .header("Prefer", "return=minimal")
        .header("If-None-Exist", "identifier=urn:x|1")
        .header("Cookie", "session=secret")
        .header("X-MS-AZUREFHIR-AUDIT-USERID", "someone-else")
        .header("X-Ms-Bundle-Processing-Logic", "parallel")
        .header("X-Forwarded-For", "203.0.113.9")
        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}")).build(),
        HttpResponse.BodyHandlers.ofString());

    StubUpstream.Received received = upstream.received().get(0);
    assertThat(answer.statusCode()).isEqualTo(201);
    assertThat(received.header("Authorization")).isEqualTo("Bearer proxy-own-token");
    assertThat(received.header("Prefer")).isEqualTo("return=minimal");
    assertThat(received.header("If-None-Exist")).isEqualTo("identifier=urn:x|1");
    assertThat(received.header("X-Ms-Bundle-Processing-Logic")).isEqualTo("parallel");
    assertThat(received.header("Cookie")).isNull();
    assertThat(received.header("X-Forwarded-For")).isNull();
    assertThat(received.header(HeaderRules.USER)).isEqualTo("oid-7");
    assertThat(received.header(HeaderRules.TENANT)).startsWith("http://127.0.0.1:");
    assertThat(received.header(HeaderRules.SOURCE)).as("an untrusted peer's X-Forwarded-For is ignored")
        .isEqualTo("127.0.0.1");
    assertThat(received.header(HeaderRules.PROXY)).isEqualTo("brazier-proxy");
  }

  @Test
  void locationAndContentLocationNameTheProxyAndOnlyAnswerHeadersComeBack() throws Exception {
    start(List.of());

    HttpResponse<String> answer = post(proxy.baseUrl() + "/Patient", "Host-ignored", null);

    assertThat(answer.headers().firstValue("Location")).hasValue(proxy.baseUrl() + "/Patient/1/_history/1");
    assertThat(answer.headers().firstValue("Content-Location")).hasValue(proxy.baseUrl() + "/_async/7");
    assertThat(answer.headers().firstValue("ETag")).hasValue("W/\"1\"");
    assertThat(answer.headers().firstValue("Content-Type")).get().asString().startsWith("application/fhir+json");
    assertThat(answer.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void forwardingHeadersOfATrustedProxyNameTheClientAndTheBaseUrl() throws Exception {
    start(List.of("127.0.0.0/8"));

    HttpResponse<String> answer = post(proxy.baseUrl() + "/Patient", "fhir.example.org", "203.0.113.9, 10.1.2.3");

    assertThat(upstream.received().get(0).header(HeaderRules.SOURCE)).isEqualTo("10.1.2.3");
    assertThat(answer.headers().firstValue("Location"))
        .hasValue("https://fhir.example.org/fhir/Patient/1/_history/1");
  }

  /** A create through the proxy, with forwarding headers; the token is for the base URL the proxy should take. */
  private HttpResponse<String> post(String url, String forwardedHost, String forwardedFor) throws Exception {
    String audience = forwardedFor == null ? proxy.baseUrl() : "https://" + forwardedHost + "/fhir";
    String token = proxy.sign(proxy.claims().audience(audience).claim("roles", List.of("Administrator")));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + token)
        .header("X-Forwarded-Host", forwardedHost)
        .header("X-Forwarded-Proto", "https")
        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}"));
    if (forwardedFor != null) {
      request.header("X-Forwarded-For", forwardedFor);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
