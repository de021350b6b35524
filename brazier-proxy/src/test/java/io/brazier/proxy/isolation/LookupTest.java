package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.client.FhirClient;
import io.brazier.client.HttpFhirClient;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.access.Authorization;
import io.brazier.proxy.upstream.StubUpstream;
import io.brazier.server.TestServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy's own reads of the server isolation guards, the same over HTTP (as {@code brazier proxy} reads another
 * server) and in process (as {@code serve --auth} reads its own): every page of a search, its matches only, and a
 * refusal rather than a guess when the search cannot be finished.
 */
class LookupTest {
  private static final String BASE = TestServer.shared().baseUrl();
  private static final Lookup OVER_HTTP = new Lookup(
      new HttpFhirClient(URI.create(BASE), Optional.empty(), Duration.ofSeconds(30)), BASE);
  private static final Lookup IN_PROCESS = new Lookup(TestServer.shared().api().client(Authorization.PROXY, ""), "");
  private static String family;
  private static List<String> patients;

  @BeforeAll
  static void load() {
    IGenericClient client = TestServer.shared().client();
    family = "Lookup" + UUID.randomUUID().toString().substring(0, 8);
    patients = List.of(created(client), created(client), created(client));
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference("Patient/" + patients.get(0)));
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    client.create().resource(observation).execute();
  }

  @Test
  void aSearchIsReadToItsLastPageOverHttpAndInProcessAlike() {
    for (Lookup lookup : List.of(OVER_HTTP, IN_PROCESS)) {
      List<JsonNode> matches = lookup.all("Patient?family=" + family + "&_count=2");

      assertThat(matches).extracting(patient -> patient.path("id").asText())
          .containsExactlyInAnyOrderElementsOf(patients);
    }
  }

  @Test
  void includedResourcesAreNotMatches() {
    for (Lookup lookup : List.of(OVER_HTTP, IN_PROCESS)) {
      List<JsonNode> matches = lookup.all("Observation?subject=Patient/" + patients.get(0)
          + "&_include=Observation:subject");

      assertThat(matches).extracting(match -> match.path("resourceType").asText()).containsExactly("Observation");
    }
  }

  @Test
  void aReadGivesTheStatusAndTheResourceAsJson() {
    Lookup.Answer found = IN_PROCESS.read("Patient/" + patients.get(1));
    Lookup.Answer missing = OVER_HTTP.read("Patient/" + UUID.randomUUID());

    assertThat(found.status()).isEqualTo(200);
    assertThat(found.body().path("id").asText()).isEqualTo(patients.get(1));
    assertThat(missing.status()).isEqualTo(404);
  }

  @Test
  void aSearchTheServerRefusesIsRefusedRatherThanGuessed() {
    for (Lookup lookup : List.of(OVER_HTTP, IN_PROCESS)) {
      assertThatThrownBy(() -> lookup.all("NoSuchType?code=1"))
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(502))
          .hasMessageContaining("could not search NoSuchType");
    }
  }

  @Test
  void aNextPageElsewhereThanTheBaseIsNotFollowedWithTheProxysIdentity() {
    FhirClient server = new HttpFhirClient(URI.create(BASE), Optional.empty(), Duration.ofSeconds(30));
    Lookup elsewhere = new Lookup(server, "http://elsewhere.example/fhir");

    assertThat(elsewhere.all("Patient?family=" + family + "&_count=5")).hasSize(3);
    assertThatThrownBy(() -> elsewhere.all("Patient?family=" + family + "&_count=2"))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(502))
        .hasMessageContaining("not below http://elsewhere.example/fhir/");
  }

  @Test
  void aNextPageOnTheBaseItselfIsFollowedAsHapiWritesItsPagingLinks() {
    Map<String, String> answers = new ConcurrentHashMap<>();
    try (StubUpstream hapi = ForeignUpstream.start(answers)) {
      answers.put("Observation?subject=Patient/p",
          ForeignUpstream.page(hapi.baseUrl() + "?_getpages=a1&_getpagesoffset=1", ForeignUpstream.match("o1", "p")));
      answers.put("?_getpages=a1&_getpagesoffset=1", ForeignUpstream.page(null, ForeignUpstream.match("o2", "p")));
      Lookup lookup = new Lookup(new HttpFhirClient(URI.create(hapi.baseUrl()), Optional.empty(),
          Duration.ofSeconds(30)), hapi.baseUrl());

      List<JsonNode> matches = lookup.all("Observation?subject=Patient/p");

      assertThat(matches).extracting(match -> match.path("id").asText()).containsExactly("o1", "o2");
    }
  }

  private static String created(IGenericClient client) {
    return client.create().resource(new Patient().addName(new HumanName().setFamily(family))).execute().getId()
        .getIdPart();
  }
}
