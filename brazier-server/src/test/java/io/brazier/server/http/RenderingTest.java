package io.brazier.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class RenderingTest {
  private static final String PATIENT = """
      {"resourceType":"Patient",
       "text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">Ann Rendered</div>"},
       "name":[{"family":"Rendered","given":["Ann"]}],"gender":"female","birthDate":"1970-01-01",
       "contact":[{"name":{"family":"Kin"}}]}""";

  private final TestServer server = TestServer.shared();
  private final Http http = server.http();

  @Test
  void aPlainJsonReadServesTheStoredBytes() {
    String id = created();

    Http.Response response = http.get("/fhir/Patient/" + id);

    assertThat(response.bytes()).isEqualTo(server.store().current("Patient", id).orElseThrow().json());
  }

  @Test
  void prettyIndentsTheSameResource() {
    String path = "/fhir/Patient/" + created();

    Http.Response pretty = http.get(path + "?_pretty=true");
    Http.Response prettyXml = http.get(path + "?_pretty=true&_format=xml");

    assertThat(pretty.body()).contains("\n  \"resourceType\": \"Patient\"");
    assertThat(pretty.resource(Patient.class).equalsDeep(http.get(path).resource(Patient.class))).isTrue();
    assertThat(prettyXml.body()).contains("\n   <");
  }

  @Test
  void summaryTrueKeepsTheSummaryElementsAndMarksTheResourceSubsetted() {
    Patient summary = http.get("/fhir/Patient/" + created() + "?_summary=true").resource(Patient.class);

    assertThat(summary.getNameFirstRep().getFamily()).isEqualTo("Rendered");
    assertThat(summary.hasContact()).isFalse();
    assertThat(summary.hasText()).isFalse();
    assertSubsetted(summary);
  }

  @Test
  void summaryTextKeepsTheNarrative() {
    Patient text = http.get("/fhir/Patient/" + created() + "?_summary=text").resource(Patient.class);

    assertThat(text.getText().getDivAsString()).contains("Ann Rendered");
    assertThat(text.hasContact()).isFalse();
    assertThat(text.getIdPart()).isNotNull();
    assertSubsetted(text);
  }

  @Test
  void summaryTextOfASearchKeepsTheBundleAndCutsEachResource() {
    String observation = """
        {"resourceType":"Observation","text":{"status":"generated",
         "div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">Weight 72 kg</div>"},
         "status":"final","code":{"text":"Weight"},"valueQuantity":{"value":72,"unit":"kg"}}""";
    String id = http.post("/fhir/Observation", observation).resource(Observation.class).getIdPart();

    for (String format : List.of("", "&_format=xml")) {
      Bundle bundle = http.get("/fhir/Observation?_id=" + id + "&_summary=text" + format).resource(Bundle.class);

      assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
      assertThat(bundle.getTotal()).isEqualTo(1);
      Observation text = (Observation) bundle.getEntryFirstRep().getResource();
      assertThat(text.getText().getDivAsString()).contains("Weight 72 kg");
      assertThat(text.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL); // mandatory, so kept
      assertThat(text.getCode().getText()).isEqualTo("Weight");
      assertThat(text.hasValue()).isFalse();
    }
  }

  @Test
  void summaryDataDropsOnlyTheNarrative() {
    Patient data = http.get("/fhir/Patient/" + created() + "?_summary=data").resource(Patient.class);

    assertThat(data.hasText()).isFalse();
    assertThat(data.hasContact()).isTrue();
    assertSubsetted(data);
  }

  @Test
  void summaryFalseIsTheWholeResource() {
    String path = "/fhir/Patient/" + created();

    assertThat(http.get(path + "?_summary=false").body()).isEqualTo(http.get(path).body());
  }

  @Test
  void summaryCountAsksASearchForItsTotalAndAReadRendersTheWholeResource() {
    String path = "/fhir/Patient/" + created();

    assertThat(http.get(path + "?_summary=count").body()).isEqualTo(http.get(path).body());
  }

  @Test
  void anUnknownSummaryIsRefusedBeforeAnythingIsWritten() {
    http.refused(400, "POST", "/fhir/Patient?_summary=most", PATIENT);
  }

  @Test
  void anErrorIsRenderedWholeWhateverTheSummaryOrElementsAsked() {
    OperationOutcome outcome =
        http.refused(404, "GET", "/fhir/Patient/never-was?_summary=true&_elements=id", (byte[]) null);

    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("never-was");
  }

  @Test
  void elementsKeepsTheNamedElementsWithIdAndMeta() {
    String path = "/fhir/Patient/" + created() + "?_elements=name,gender";

    Patient json = http.get(path).resource(Patient.class);
    Patient xml = http.get(path + "&_format=xml").resource(Patient.class);

    for (Patient patient : new Patient[] {json, xml}) {
      assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("Rendered");
      assertThat(patient.hasGender()).isTrue();
      assertThat(patient.hasBirthDate()).isFalse();
      assertThat(patient.hasContact()).isFalse();
      assertThat(patient.getIdPart()).isNotNull();
      assertThat(patient.getMeta().getVersionId()).isEqualTo("1");
      assertSubsetted(patient);
    }
  }

  @Test
  void elementsKeepsTheMandatoryElementsInEveryFormat() {
    String observation = """
        {"resourceType":"Observation","status":"final","code":{"text":"Weight"},"subject":{"display":"Ann"},
         "valueQuantity":{"value":72.50,"unit":"kg"}}""";
    String id = http.post("/fhir/Observation", observation).resource(Observation.class).getIdPart();
    String read = "/fhir/Observation/" + id + "?_elements=subject";
    String search = "/fhir/Observation?_id=" + id + "&_elements=subject";

    List<Observation> cuts = new ArrayList<>();
    for (String format : List.of("", "&_format=xml", "&_pretty=true", "&_format=xml&_pretty=true")) {
      cuts.add(http.get(read + format).resource(Observation.class));
      cuts.add((Observation) http.get(search + format).resource(Bundle.class).getEntryFirstRep().getResource());
    }

    assertThat(cuts).hasSize(8).allSatisfy(cut -> {
      assertThat(cut.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
      assertThat(cut.getCode().getText()).isEqualTo("Weight");
      assertThat(cut.getSubject().getDisplay()).isEqualTo("Ann");
      assertThat(cut.hasValue()).isFalse();
      assertThat(cut.getMeta().getTag()).extracting(Coding::getCode).contains("SUBSETTED");
    });
  }

  @Test
  void aSummaryWithElementsMarksEachResourceSubsettedOnce() {
    String id = created();

    for (String summary : List.of("true", "data", "text")) {
      String query = "?_summary=" + summary + "&_elements=name";
      Patient read = http.get("/fhir/Patient/" + id + query).resource(Patient.class);
      Patient found = (Patient) http.get("/fhir/Patient" + query + "&_id=" + id).resource(Bundle.class)
          .getEntryFirstRep().getResource();

      for (Patient patient : List.of(read, found)) {
        assertThat(patient.getMeta().getTag()).as(summary).extracting(Coding::getCode).containsOnlyOnce("SUBSETTED");
      }
    }
  }

  private static void assertSubsetted(Patient patient) {
    assertThat(patient.getMeta().getTag()).extracting(Coding::getCode).contains("SUBSETTED");
  }

  private String created() {
    return http.post("/fhir/Patient", PATIENT).resource(Patient.class).getIdPart();
  }
}
