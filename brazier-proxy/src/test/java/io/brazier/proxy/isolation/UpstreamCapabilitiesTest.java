package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.client.HttpFhirClient;
import io.brazier.proxy.upstream.StubUpstream;
import io.brazier.server.TestServer;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the server behind the standalone proxy can search, from its CapabilityStatement over HTTP: Brazier's own
 * read as a client reads it, and a server that does not answer at first, when nothing is assumed until it does; once
 * read, it is kept.
 */
class UpstreamCapabilitiesTest {
  private static final String METADATA = "{\"resourceType\":\"CapabilityStatement\",\"rest\":[{\"mode\":\"server\","
      + "\"compartment\":[\"http://hl7.org/fhir/CompartmentDefinition/patient|4.0.1\"],\"resource\":[{\"type\":"
      + "\"Patient\",\"searchParam\":[{\"name\":\"family\",\"type\":\"string\"}]}]}]}";

  @Test
  void brazierSaysItSearchesThePatientCompartmentAndItsParameters() {
    String base = TestServer.shared().baseUrl();
    UpstreamCapabilities brazier = new UpstreamCapabilities(new Lookup(client(base), base));

    assertThat(brazier.searchesCompartment("Patient")).isTrue();
    assertThat(brazier.searches("Observation", "patient")).isTrue();
    assertThat(brazier.searches("Observation", "no-such-parameter")).isFalse();
    assertThat(brazier.searches("NoSuchType", "patient")).isFalse();
  }

  @Test
  void aVersionedCompartmentCanonicalCountsAndOnlyTheCompartmentsNamed() {
    try (StubUpstream upstream = new StubUpstream(exchange -> StubUpstream.send(exchange, 200,
        "application/fhir+json", METADATA))) {
      UpstreamCapabilities capabilities = capabilities(upstream);

      assertThat(capabilities.searchesCompartment("Patient")).isTrue();
      assertThat(capabilities.searchesCompartment("Encounter")).isFalse();
      assertThat(capabilities.searches("Patient", "family")).isTrue();
      assertThat(capabilities.searches("Patient", "given")).isFalse();
    }
  }

  @Test
  void nothingIsAssumedUntilTheServerAnswersAndThenItsAnswerIsKept() {
    AtomicInteger calls = new AtomicInteger();
    try (StubUpstream upstream = new StubUpstream(exchange -> {
      if (calls.incrementAndGet() == 1) {
        StubUpstream.send(exchange, 401, "application/fhir+json", "{\"resourceType\":\"OperationOutcome\"}");
      } else {
        StubUpstream.send(exchange, 200, "application/fhir+json", METADATA);
      }
    })) {
      UpstreamCapabilities capabilities = capabilities(upstream);

      assertThat(capabilities.searches("Patient", "family")).as("before the server answered").isFalse();
      assertThat(capabilities.searches("Patient", "family")).isTrue();
      assertThat(capabilities.searchesCompartment("Patient")).isTrue();
      assertThat(upstream.received()).as("read until answered, then kept").hasSize(2);
    }
  }

  private static UpstreamCapabilities capabilities(StubUpstream upstream) {
    return new UpstreamCapabilities(new Lookup(client(upstream.baseUrl()), upstream.baseUrl()));
  }

  private static HttpFhirClient client(String base) {
    return new HttpFhirClient(URI.create(base), Optional.empty(), Duration.ofSeconds(30));
  }
}
