package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.client.HttpFhirClient;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.proxy.access.Authorization;
import io.brazier.proxy.upstream.StubUpstream;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.Restriction;
import io.brazier.server.TestServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A restricted caller's writes as the standalone proxy checks them before they go upstream (here the test JVM's
 * server, read as the proxy reads it): what it stores must lie within its reach, what it replaces or deletes must
 * lie there now (404 otherwise), conditions match only within it, and what cannot be checked is refused.
 */
class UpstreamWritesTest {
  private static final Fhir FHIR = TestServer.shared().fhir();
  private static String mine;
  private static String theirs;
  private static String theirObservation;
  private static Restriction restriction;

  @BeforeAll
  static void load() {
    IGenericClient client = TestServer.shared().client();
    mine = client.create().resource(new Patient()).execute().getId().getIdPart();
    theirs = client.create().resource(new Patient()).execute().getId().getIdPart();
    theirObservation = client.create().resource(observation(theirs)).execute().getId().getIdPart();
    restriction = Restriction.within("Patient", Set.of(mine));
  }

  private static UpstreamWrites writes(Lookup lookup) {
    FhirSearch search = new FhirSearch(FHIR);
    return new UpstreamWrites(FHIR, new Membership(search),
        new CompartmentQuery(search.compartments(), new UpstreamCapabilities(lookup)), lookup);
  }

  private static final UpstreamWrites WRITES = writes(new Lookup(TestServer.shared().api()
      .client(Authorization.PROXY, ""), ""));

  @Test
  void aResourceOfAnotherPatientToReplaceOrDeleteIsNotFound() {
    FhirRequest update = request("PUT", "Observation/" + theirObservation, json(observation(mine)),
        FhirInteraction.UPDATE);
    FhirRequest delete = request("DELETE", "Observation/" + theirObservation, null, FhirInteraction.DELETE);

    for (FhirRequest request : List.of(update, delete)) {
      assertThatThrownBy(() -> WRITES.checked(request, restriction, body(request)))
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(404));
    }
  }

  @Test
  void aResourceToStoreMustLieWithinTheReachInJsonAndXmlAlike() {
    byte[] outsideJson = json(observation(theirs));
    byte[] outsideXml = FHIR.context().newXmlParser().encodeResourceToString(observation(theirs))
        .getBytes(StandardCharsets.UTF_8);
    FhirRequest json = request("POST", "Observation", outsideJson, FhirInteraction.CREATE);
    FhirRequest xml = FhirRequest.builder("POST", "Observation").body(outsideXml, "application/fhir+xml").build()
        .routed(FhirInteraction.CREATE, null);
    FhirRequest within = request("POST", "Observation", json(observation(mine)), FhirInteraction.CREATE);

    for (FhirRequest outside : List.of(json, xml)) {
      assertThatThrownBy(() -> WRITES.checked(outside, restriction, body(outside)))
          .isInstanceOfSatisfying(FhirException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.getMessage()).contains("compartment the caller does not reach");
          });
    }
    assertThat(WRITES.checked(within, restriction, body(within))).isSameAs(within);
  }

  @Test
  void aBodyThatIsMissingOrNoResourceIsA400() {
    FhirRequest empty = request("POST", "Observation", new byte[0], FhirInteraction.CREATE);
    FhirRequest garbage = request("POST", "Observation", "{not json".getBytes(StandardCharsets.UTF_8),
        FhirInteraction.CREATE);

    assertThatThrownBy(() -> WRITES.checked(empty, restriction, new byte[0]))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("is the body of the request");
    assertThatThrownBy(() -> WRITES.checked(garbage, restriction, body(garbage)))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("not a FHIR resource");
  }

  @Test
  void aPatchOfARestrictedTypeIsRefusedAndWritesOfTypesWithoutMembersPass() {
    FhirRequest patch = request("PATCH", "Observation/" + theirObservation, "[]".getBytes(StandardCharsets.UTF_8),
        FhirInteraction.PATCH);
    FhirRequest practitioner = request("PATCH", "Practitioner/dr", "[]".getBytes(StandardCharsets.UTF_8),
        FhirInteraction.PATCH);

    assertThatThrownBy(() -> WRITES.checked(patch, restriction, body(patch)))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThat(WRITES.checked(practitioner, restriction, body(practitioner))).isSameAs(practitioner);
  }

  @Test
  void aConditionalCreateIsNarrowedWhicheverFormItsCriteriaTake() {
    for (String condition : List.of("identifier=urn:x|1", "Observation?identifier=urn:x|1")) {
      FhirRequest create = FhirRequest.builder("POST", "Observation")
          .body(json(observation(mine)), "application/fhir+json").header("If-None-Exist", condition).build()
          .routed(FhirInteraction.CREATE, null);

      String narrowed = WRITES.checked(create, restriction, body(create)).header("If-None-Exist");

      String prefix = condition.substring(0, condition.indexOf('?') + 1);
      assertThat(narrowed).as(condition).startsWith(prefix + "identifier=urn%3Ax%7C1&")
          .endsWith("=Patient%2F" + mine);
    }
  }

  @Test
  void aConditionalUpdateOrDeleteMatchesOnlyWithinTheReach() {
    FhirRequest delete = request("DELETE", "Observation?code=8867-4", null, FhirInteraction.DELETE);

    FhirRequest checked = WRITES.checked(delete, restriction, null);

    assertThat(checked.query()).containsEntry("code", List.of("8867-4"))
        .containsValue(List.of("Patient/" + mine));
  }

  @Test
  void aCheckTheUpstreamCannotAnswerRefusesTheWriteRatherThanLetItThrough() {
    try (StubUpstream failing = new StubUpstream(exchange -> StubUpstream.send(exchange, 500,
        "application/fhir+json", "{\"resourceType\":\"OperationOutcome\"}"))) {
      UpstreamWrites writes = writes(new Lookup(new HttpFhirClient(URI.create(failing.baseUrl()), Optional.empty(),
          Duration.ofSeconds(10)), failing.baseUrl()));
      FhirRequest delete = request("DELETE", "Observation/" + theirObservation, null, FhirInteraction.DELETE);

      assertThatThrownBy(() -> writes.checked(delete, restriction, null))
          .isInstanceOfSatisfying(FhirException.class, e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.getMessage()).contains("status 500").contains("Observation/" + theirObservation);
          });
    }
  }

  private static FhirRequest request(String method, String url, byte[] body, FhirInteraction interaction) {
    FhirRequest.Builder builder = FhirRequest.builder(method, url);
    if (body != null) {
      builder.body(body, "application/fhir+json");
    }
    return builder.build().routed(interaction, null);
  }

  /** The body as the proxy holds it: the bytes that came, none included. */
  private static byte[] body(FhirRequest request) {
    return request.hasBody() ? request.body() : new byte[0];
  }

  private static Observation observation(String patient) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference("Patient/" + patient));
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    return observation;
  }

  private static byte[] json(Observation observation) {
    return FHIR.context().newJsonParser().encodeResourceToString(observation).getBytes(StandardCharsets.UTF_8);
  }
}
