package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.ListResource.ListMode;
import org.hl7.fhir.r4.model.ListResource.ListStatus;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SearchTypeTest {
  private final IGenericClient client = TestServer.shared().client();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aSearchByFamilyFindsThePatientsWhoseNameStartsWithIt() {
    String family = "Fam" + UUID.randomUUID().toString().substring(0, 8);
    client.create().resource(patient(family, "Ann")).execute();
    client.create().resource(patient(family + "son", "Bob")).execute();
    client.create().resource(patient("Other" + family, "Cid")).execute();

    Bundle found = client.search().byUrl("Patient?family=" + family.toLowerCase()).returnBundle(Bundle.class)
        .execute();

    assertThat(found.getTotal()).isEqualTo(2);
    assertThat(given(found)).containsExactlyInAnyOrder("Ann", "Bob");
  }

  @Test
  void idAndLastUpdatedAreNeverMissing() {
    String family = "Present" + UUID.randomUUID().toString().substring(0, 8);
    client.create().resource(patient(family, "Ida")).execute();

    for (String param : List.of("_id", "_lastUpdated")) {
      Bundle missing = client.search().byUrl("Patient?family=" + family + "&" + param + ":missing=true")
          .returnBundle(Bundle.class).execute();
      Bundle present = client.search().byUrl("Patient?family=" + family + "&" + param + ":missing=false")
          .returnBundle(Bundle.class).execute();

      assertThat(missing.getTotal()).as(param + ":missing=true").isZero();
      assertThat(given(present)).as(param + ":missing=false").containsExactly("Ida");
    }
  }

  @Test
  void listFindsTheResourcesAListNamesAndAFunctionalListIsABadRequestThatSaysSo() throws Exception {
    String family = "Listed" + UUID.randomUUID().toString().substring(0, 8);
    IIdType listed = client.create().resource(patient(family, "In")).execute().getId();
    client.create().resource(patient(family, "Out")).execute();
    ListResource list = new ListResource().setStatus(ListStatus.CURRENT).setMode(ListMode.WORKING);
    list.addEntry().getItem().setReference(listed.toUnqualifiedVersionless().getValue());
    String listId = client.create().resource(list).execute().getId().getIdPart();

    Bundle found = client.search().byUrl("Patient?family=" + family + "&_list=" + listId)
        .returnBundle(Bundle.class).execute();
    HttpResponse<String> functional = get("Patient?_list=$current-allergies");

    assertThat(given(found)).containsExactly("In");
    assertThat(functional.statusCode()).isEqualTo(400);
    assertThat(functional.body()).contains("OperationOutcome", "_list", "$current-allergies", "functional list");
  }

  @Test
  void aWordForADateIsABadRequestNamingTheParameterAndTheFormsADateTakes() throws Exception {
    HttpResponse<String> response = get("Patient?birthdate=today");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("OperationOutcome", "birthdate", "'today' is not a FHIR date",
        "2024, 2024-05, 2024-05-01 or 2024-05-01T10:00:00Z", "a prefix (eq, ne, gt, lt, ge, le, sa, eb, ap)");
  }

  @Test
  void sqlMetacharactersInAValueAreJustText() throws Exception {
    String family = "O'Brien\"; DROP TABLE resource; --" + UUID.randomUUID();
    client.create().resource(patient(family, "Sql")).execute();

    HttpResponse<String> response = get("Patient?family:exact=" + URLEncoder.encode(family, StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"total\":1");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Patient?birthdate=2020-13-45", "Patient?birthdate=xx2020", "Patient?birthdate=ge", "Patient?birthdate=99999",
      "Observation?date=2020-02-30", "Patient?_lastUpdated=yesterday", "Observation?value-quantity=abc",
      "Observation?value-quantity=1|2", "RiskAssessment?probability=1e999999", "Observation?subject.bogus=1",
      "Observation?subject:Bogus.name=x", "Patient?_has:Observation:bogus:code=1", "Patient?_has:Bogus",
      "Patient?gender:bogus=x", "Patient?gender:missing=maybe", "Patient?identifier=a|b|c", "Patient?identifier=|",
      "Patient?_count=abc", "Patient?_count=-1", "Patient?_include=Bogus:x", "Patient?_include=Patient:name",
      "Patient?_cursor=garbage", "Patient?_total=maybe", "Patient?_summary=bogus", "Patient?_id=",
      "Observation?code-value-quantity=abc", "Observation?subject=Patient/", "Patient?_text=!!",
      "Patient?name=%00", "Patient?_sort=-", "Patient?_include:bogus=Patient:organization", "Patient?_id:missing=1",
      "Observation?subject.organization.partof.partof.partof.partof.partof.partof.partof.partof.name=x", "Patient?family:contains="})
  void badSearchInputIsA400WithAnOperationOutcome(String query) throws Exception {
    HttpResponse<String> response = get(query);

    assertThat(response.statusCode()).as(query).isEqualTo(400);
    assertThat(response.body()).as(query).contains("OperationOutcome");
  }

  @Test
  void postToSearchWithAnythingButAFormIsA415() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(TestServer.shared().baseUrl()
        + "/Patient/_search")).header("Content-Type", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(response.body()).contains("x-www-form-urlencoded");
  }

  @Test
  void aHugeValueIsA400() throws Exception {
    HttpResponse<String> response = get("Patient?name=" + "x".repeat(5000));

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void anExpiredOrUnknownPageIsGone() throws Exception {
    HttpResponse<String> response = get("Patient?_cursor=" + UUID.randomUUID() + ".20");

    assertThat(response.statusCode()).isEqualTo(410);
    assertThat(response.body()).contains("OperationOutcome");
  }

  private HttpResponse<String> get(String query) throws Exception {
    URI uri = URI.create(TestServer.shared().baseUrl() + "/" + query.replace("|", "%7C"));
    return http.send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static List<String> given(Bundle bundle) {
    return bundle.getEntry().stream().filter(e -> e.getResource() instanceof Patient)
        .map(e -> ((Patient) e.getResource()).getNameFirstRep().getGivenAsSingleString()).toList();
  }

  static Patient patient(String family, String given) {
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven(given);
    return patient;
  }
}
