package io.brazier.proxy.access;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.Caller;
import io.brazier.server.FhirApi;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A search page's included resources that the caller may not read are left out (a type it may not read, or
 * outside its granular scope, as the server's own search decides); its matches, total and headers stay.
 */
class IncludedEntriesTest {
  private static final FhirApi API = TestServer.shared().api();
  private static final IncludedEntries INCLUDED = new IncludedEntries(new GranularMatch(API));
  private static String female;
  private static String male;
  private static String practitioner;
  private static String search;

  @BeforeAll
  static void store() {
    IGenericClient client = TestServer.shared().client();
    female = client.create().resource(new Patient().setGender(AdministrativeGender.FEMALE)).execute().getId()
        .getIdPart();
    male = client.create().resource(new Patient().setGender(AdministrativeGender.MALE)).execute().getId()
        .getIdPart();
    practitioner = client.create().resource(new Practitioner()).execute().getId().getIdPart();
    String hers = observation(client, female);
    String his = observation(client, male);
    search = "Observation?_id=" + hers + "," + his + "&_include=Observation:subject"
        + "&_include=Observation:performer";
  }

  @Test
  void includesOfATypeTheCallerMayNotReadOrOutsideItsGranularScopeAreLeftOut() {
    FhirResponse page = search();
    Rights rights = rights("system/Observation.rs", "system/Patient.rs?gender=female");

    FhirResponse filtered = INCLUDED.filter(request(), page, rights);

    assertThat(keys(page)).contains("Patient/" + female, "Patient/" + male, "Practitioner/" + practitioner);
    assertThat(keys(filtered)).contains("Patient/" + female)
        .doesNotContain("Patient/" + male, "Practitioner/" + practitioner);
    assertThat(entries(filtered).stream().filter(e -> e.getSearch().getMode().toCode().equals("match")))
        .hasSize(2);
    assertThat(filtered.bundle().bundle().getTotal()).isEqualTo(page.bundle().bundle().getTotal());
    assertThat(filtered.headers()).containsAllEntriesOf(page.headers());
  }

  @Test
  void aCallerThatReadsEveryIncludedTypeGetsThePageAsItIs() {
    FhirResponse page = search();

    assertThat(INCLUDED.filter(request(), page, rights("system/*.rs"))).isSameAs(page);
  }

  @Test
  void aGranularScopeThatCannotBeCheckedReadsNothing() {
    FhirResponse page = search();

    FhirResponse filtered = INCLUDED.filter(request(), page, rights("system/Observation.rs",
        "system/Patient.rs?no-such-parameter=x"));

    assertThat(keys(filtered)).noneMatch(key -> key.startsWith("Patient/"));
  }

  @Test
  void anAnswerThatIsNoSearchPagePassesAsItIs() {
    FhirResponse read = API.handle(FhirRequest.builder("GET", "Patient/" + male).caller(Authorization.PROXY)
        .build());

    assertThat(INCLUDED.filter(request(), read, rights("openid"))).isSameAs(read);
  }

  private static FhirRequest request() {
    return FhirRequest.builder("GET", search).build();
  }

  private static FhirResponse search() {
    FhirResponse page = API.handle(FhirRequest.builder("GET", search).caller(Authorization.PROXY).build());
    assertThat(page.status()).isEqualTo(200);
    return page;
  }

  private static List<BundleEntryComponent> entries(FhirResponse response) {
    return response.bundle().bundle().getEntry();
  }

  private static List<String> keys(FhirResponse response) {
    return entries(response).stream().map(entry -> entry.getFullUrl().replaceAll("^.*/([^/]+/[^/]+)$", "$1"))
        .toList();
  }

  private static String observation(IGenericClient client, String patient) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference("Patient/" + patient));
    observation.addPerformer(new Reference("Practitioner/" + practitioner));
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    return client.create().resource(observation).execute().getId().getIdPart();
  }

  private static Rights rights(String... scopes) {
    return Rights.of(new Caller("https://issuer", "someone", "a-client", Set.of(), Set.of(scopes), null, null,
        null));
  }
}
