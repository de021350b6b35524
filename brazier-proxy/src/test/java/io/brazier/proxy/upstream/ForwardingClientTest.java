package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.client.FhirCall;
import io.brazier.client.FhirReply;
import io.brazier.fhir.Fhir;
import io.brazier.proxy.ProxyUnderTest;
import io.brazier.server.Caller;
import io.brazier.server.TestServer;
import io.brazier.testkit.ClosedPort;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A processor's calls to the upstream as one caller's requests to the proxy: classified as a client's, sent with
 * the caller's audit identity, and answered as the client would see it (the proxy's base URL in it); a call the
 * proxy refuses, or that finds no upstream, is an answer with its OperationOutcome, never an exception.
 */
class ForwardingClientTest {
  private static final Fhir FHIR = TestServer.shared().fhir();
  private static final String PROXY_BASE = "https://proxy.example/fhir";
  private static final Caller CALLER = new Caller("https://issuer", "dr-who", "a-client", Set.of("Reader"),
      Set.of(), null, null, null);
  private StubUpstream stub;
  private Upstream upstream;

  @BeforeEach
  void start() {
    stub = new StubUpstream(exchange -> StubUpstream.send(exchange, 200, "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"id\":\"1\",\"link\":[{\"other\":{\"reference\":\"" + stub.baseUrl()
            + "/Patient/2\"}}]}"));
    upstream = new Upstream(URI.create(stub.baseUrl()), Optional.empty(), ProxyUnderTest.RETRIES,
        Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    upstream.close();
    stub.close();
  }

  private ForwardingClient client(Upstream to) {
    return new ForwardingClient(FHIR, new Forwarding(to)::exchange, CALLER, PROXY_BASE, to.base());
  }

  @Test
  void aCallReachesTheUpstreamAsTheCallersRequestAndComesBackAsTheClientSeesIt() throws Exception {
    FhirReply reply = client(upstream).send(new FhirCall("GET", "Patient/1?_elements=link",
        Map.of("Prefer", "handling=strict", "Authorization", "Bearer the-callers-own"), null));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("content-type")).hasValue("application/fhir+json");
    assertThat(reply.text()).contains("\"" + PROXY_BASE + "/Patient/2\"").doesNotContain(stub.baseUrl());
    StubUpstream.Received sent = stub.received().get(0);
    assertThat(sent.uri()).isEqualTo("/fhir/Patient/1?_elements=link");
    assertThat(sent.header("Prefer")).isEqualTo("handling=strict");
    assertThat(sent.header("Authorization")).as("the caller's token never goes upstream").isNull();
    assertThat(sent.header(HeaderRules.USER)).isEqualTo("dr-who");
  }

  @Test
  void aPathTheProxyRefusesIsAnAnswerWithItsOutcomeAndNothingIsSent() throws Exception {
    FhirReply badSegment = client(upstream).send(FhirCall.get("Patient/a:b"));
    FhirReply noSuchShape = client(upstream).send(new FhirCall("POST", "Patient/1", Map.of(), new byte[] {'{', '}'}));

    assertThat(badSegment.status()).isEqualTo(400);
    assertThat(badSegment.json().path("resourceType").asText()).isEqualTo("OperationOutcome");
    assertThat(badSegment.diagnostics()).contains("a:b");
    assertThat(noSuchShape.status()).isEqualTo(405);
    assertThat(noSuchShape.json().path("resourceType").asText()).isEqualTo("OperationOutcome");
    assertThat(stub.received()).isEmpty();
  }

  @Test
  void anUpstreamThatIsNotThereIsA502Answer() throws Exception {
    try (Upstream away = new Upstream(ClosedPort.url("/fhir"), Optional.empty(),
        ProxyUnderTest.RETRIES, Duration.ofSeconds(10))) {
      FhirReply reply = client(away).send(FhirCall.get("Patient/1"));

      assertThat(reply.status()).isEqualTo(502);
      assertThat(new String(reply.body(), StandardCharsets.UTF_8)).contains("OperationOutcome");
    }
  }
}
