package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.loader.send.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExportBodiesTest {
  private static final String INPUT = new TypeExport("Patient", null, null, 1, 10).describe();

  @Test
  void anAltExportBodyBecomesAPatientExport() throws Exception {
    PatientExport request = (PatientExport) ExportBodies.patients(Json.parse("""
        {"query":"Coverage?class-value=Med1&_count=50","patientreferencefield":"subscriber",
         "include":["Patient?_id=$IDS&_count=50","Coverage?patient=$IDS&_count=50"]}""".getBytes())).request();

    assertThat(request.query()).isEqualTo("Coverage?class-value=Med1&_count=50");
    assertThat(request.patientField()).isEqualTo("subscriber");
    assertThat(request.includes()).containsExactly("Patient?_id=$IDS&_count=50", "Coverage?patient=$IDS&_count=50");
    assertThat(request.batchSize()).isEqualTo(50);
  }

  @Test
  void anAltExportAllBodyBecomesATypeExport() throws Exception {
    TypeExport request = (TypeExport) ExportBodies.all(Json.parse("""
        {"_type":"Observation","_since":"2024-01-01T00:00:00Z","_till":"2024-02-01T00:00:00+01:00",
         "_parallelizationCount":8}""".getBytes())).request();

    assertThat(request.type()).isEqualTo("Observation");
    assertThat(request.since()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(request.till()).isEqualTo(Instant.parse("2024-01-31T23:00:00Z"));
    assertThat(request.parallel()).isEqualTo(8);
  }

  @Test
  void missingFieldsSayWhatToSend() {
    assertThatThrownBy(() -> ExportBodies.patients(Json.parse("{\"include\":[]}".getBytes())))
        .hasMessageContaining("needs a query");
    assertThatThrownBy(() -> ExportBodies.all(Json.parse("{\"_type\":\"Observation\",\"_parallelizationCount\":0}"
        .getBytes()))).hasMessage("_parallelizationCount must be between 1 and 100, not 0");
  }

  @Test
  void whatTheRequestsRefuseIsNamedByTheBodysFieldsNotTheCommandLinesFlags() {
    assertThatThrownBy(() -> ExportBodies.patients(Json.parse("""
        {"query":"Coverage","patientreferencefield":"1x","include":["Patient?_id=$IDS"]}""".getBytes())))
        .hasMessageStartingWith("patientreferencefield must be id or").hasMessageNotContaining("--");
    assertThatThrownBy(() -> ExportBodies.all(Json.parse("{\"_type\":\"Observation\",\"_count\":0}".getBytes())))
        .hasMessage("_count must be at least 1, not 0");
  }

  @Test
  void theStatusOfAnEndedJobListsItsOutput() {
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    ExportReport report = new ExportReport(created, "file:///x/manifest.json",
        List.of(new ExportFile("Patient", "file:///x/Patient-1.ndjson", 3)), List.of(), 3, 0, Map.of(),
        Duration.ofMinutes(3));
    ExportJobs.Job job = new ExportJobs.Job("id-1", created, INPUT, "own",
        ExportJobs.State.COMPLETED, created.plus(Duration.ofMinutes(3)), report, null);

    var status = ExportBodies.status(job, created.plusSeconds(3600));

    assertThat(status.path("instanceId").asText()).isEqualTo("id-1");
    assertThat(status.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(status.path("elapsedtimeinminutes").asDouble()).isEqualTo(3.0);
    assertThat(status.path("manifest").asText()).isEqualTo("file:///x/manifest.json");
    assertThat(status.path("output").get(0).path("count").asLong()).isEqualTo(3);
  }

  @Test
  void anAltExportBodyWithOnlyItsQueryAndIncludesTakesTheDefaults() throws Exception {
    PatientExport request = (PatientExport) ExportBodies.patients(Json.parse("""
        {"query":"Patient?active=true","include":["Patient?_id=$IDS"]}""".getBytes())).request();

    assertThat(request.patientField()).isEqualTo("id");
    assertThat(request.batchSize()).isEqualTo(50);
    assertThat(request.maxUrl()).isEqualTo(4096);
  }

  @Test
  void anAltExportBodyMayChooseItsBatchSizeAndUrlLength() throws Exception {
    PatientExport request = (PatientExport) ExportBodies.patients(Json.parse("""
        {"query":"Patient","include":["Patient?_id=$IDS"],"batchsize":7,"maxurl":300}""".getBytes())).request();

    assertThat(request.batchSize()).isEqualTo(7);
    assertThat(request.maxUrl()).isEqualTo(300);
  }

  @Test
  void anAltExportBodyWhoseQueryIsNotTextOrWhoseIncludesAreMissingIsRefused() {
    assertThatThrownBy(() -> ExportBodies.patients(Json.parse("""
        {"query":["Patient"],"include":["Patient?_id=$IDS"]}""".getBytes()))).hasMessageContaining("needs a query");
    assertThatThrownBy(() -> ExportBodies.patients(Json.parse("{\"query\":\"Patient\"}".getBytes())))
        .hasMessage("Give at least one include, such as 'Patient?_id=$IDS'");
    assertThatThrownBy(() -> ExportBodies.patients(Json.parse("""
        {"query":"Patient","include":["Patient?_id=$IDS"],"batchsize":0}""".getBytes())))
        .hasMessage("batchsize must be at least 1, not 0");
  }

  @Test
  void anAltExportAllBodyWithOnlyItsTypeExportsEverythingInOneSlice() throws Exception {
    TypeExport request = (TypeExport) ExportBodies.all(Json.parse("""
        {"_type":"Patient","_since":null}""".getBytes())).request();

    assertThat(request.since()).isNull();
    assertThat(request.till()).isNull();
    assertThat(request.parallel()).isEqualTo(1);
    assertThat(request.pageSize()).isEqualTo(1000);
  }

  @Test
  void timesMustBeInstantsWithTheirOffset() {
    assertThatThrownBy(() -> ExportBodies.all(Json.parse("""
        {"_type":"Patient","_till":"2024-05-01"}""".getBytes())))
        .hasMessage("_till must be an instant such as 2024-05-01T00:00:00Z, not 2024-05-01");
    assertThatThrownBy(() -> ExportBodies.all(Json.parse("""
        {"_type":"Patient","_since":"2024-05-01T00:00:00"}""".getBytes())))
        .hasMessage("_since must be an instant such as 2024-05-01T00:00:00Z, not 2024-05-01T00:00:00");
    assertThatThrownBy(() -> ExportBodies.all(Json.parse("""
        {"_type":"Patient","_since":"2024-05-02T00:00:00Z","_till":"2024-05-01T00:00:00Z"}""".getBytes())))
        .hasMessage("_since must be before _till");
  }

  @Test
  void anAltExportAllBodyWhoseTypeIsNotTextIsRefused() {
    assertThatThrownBy(() -> ExportBodies.all(Json.parse("{\"_type\":7}".getBytes())))
        .hasMessageContaining("needs a _type");
    assertThatThrownBy(() -> ExportBodies.all(Json.parse("{\"_type\":\"Observation?code=1\"}".getBytes())))
        .hasMessageStartingWith("_type takes a resource type");
  }

  @Test
  void theStatusOfARunningJobCountsItsTimeUntilNowAndHasNoOutputYet() {
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    ExportJobs.Job job = new ExportJobs.Job("id-2", created, INPUT, "own",
        ExportJobs.State.RUNNING, null, null, null);

    var status = ExportBodies.status(job, created.plusSeconds(90));

    assertThat(status.path("status").asText()).isEqualTo("RUNNING");
    assertThat(status.path("createdDateTime").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(status.path("elapsedtimeinminutes").asDouble()).isEqualTo(1.5);
    assertThat(status.path("input").asText()).isEqualTo("Patient updated from the start until the export's start"
        + " in 1 slices");
    assertThat(status.has("manifest")).isFalse();
    assertThat(status.has("output")).isFalse();
    assertThat(status.has("error")).isFalse();
  }

  @Test
  void theStatusOfAFailedJobSaysWhy() {
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    ExportJobs.Job failed = new ExportJobs.Job("id-3", created, INPUT, "own",
        ExportJobs.State.FAILED, created.plusSeconds(6), null, "The FHIR server could not be reached");
    ExportJobs.Job running = new ExportJobs.Job("id-4", created.plusSeconds(1), INPUT, "own",
        ExportJobs.State.RUNNING, null, null, null);

    var list = ExportBodies.status(List.of(failed, running), created.plusSeconds(3600));

    assertThat(list).hasSize(2);
    assertThat(list.get(0).path("status").asText()).isEqualTo("FAILED");
    assertThat(list.get(0).path("error").asText()).isEqualTo("The FHIR server could not be reached");
    assertThat(list.get(0).path("elapsedtimeinminutes").asDouble()).isEqualTo(0.1);
    assertThat(list.get(1).path("instanceId").asText()).isEqualTo("id-4");
  }

  @Test
  void anAltExportAllBodyMayNameAnotherServerItsAudienceAndTheSearchInterval() throws Exception {
    ExportBodies.Order order = ExportBodies.all(Json.parse("""
        {"_type":"Observation","_since":"2024-01-01T00:00:00Z","_parallelizationCount":4,
         "_parallelSearchInSecondsInterval":3600,"_baseAddress":"https://other.example/fhir/",
         "_audience":"https://other.example"}""".getBytes()));

    assertThat(((TypeExport) order.request()).resolution()).isEqualTo(Duration.ofHours(1));
    assertThat(order.source().base()).hasToString("https://other.example/fhir");
    assertThat(order.source().tokenAudience()).isEqualTo("https://other.example");
    assertThat(ExportBodies.patients(Json.parse("""
        {"query":"Patient","include":["Patient?_id=$IDS"],"_baseAddress":"http://b.example/fhir"}""".getBytes()))
        .source().tokenAudience()).as("the base is the audience when none is named")
        .isEqualTo("http://b.example/fhir");
    assertThat(ExportBodies.all(Json.parse("{\"_type\":\"Patient\"}".getBytes())).source())
        .isEqualTo(ExportSource.OWN);
  }

  @Test
  void badCombinationsOfTheParallelAndSourceFieldsSayWhatToFix() {
    assertThat(refusal("""
        {"_type":"Observation","_parallelSearchInSecondsInterval":60}"""))
        .isEqualTo("_parallelSearchInSecondsInterval only cuts slices: give _parallelizationCount above 1 with it");
    assertThat(refusal("""
        {"_type":"Observation","_parallelizationCount":4,"_parallelSearchInSecondsInterval":0}"""))
        .isEqualTo("_parallelSearchInSecondsInterval must be positive");
    assertThat(refusal("{\"_type\":\"Observation\",\"_parallelizationCount\":101}"))
        .isEqualTo("_parallelizationCount must be between 1 and 100, not 101");
    assertThat(refusal("{\"_type\":\"Observation\",\"_parallelizationCount\":\"four\"}"))
        .isEqualTo("_parallelizationCount must be a whole number, not \"four\"");
    assertThat(refusal("{\"_type\":\"Observation\",\"_audience\":\"https://a.example\"}"))
        .contains("_audience goes with _baseAddress");
    assertThat(refusal("{\"_type\":\"Observation\",\"_baseAddress\":\"ftp://a.example/fhir\"}"))
        .contains("_baseAddress must be the http(s) base URL");
    assertThat(refusal("{\"_type\":\"Observation\",\"_baseAddress\":7}")).contains("_baseAddress must be a string");
    assertThat(refusal("{\"_type\":\"Observation\",\"_parallelisationCount\":4}"))
        .contains("Unknown field _parallelisationCount", "_parallelizationCount");
  }

  @Test
  void theStatusOfAnExportWhileResourcesChangedReportsThemWithTheInstantToExportAgainFrom() {
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    ExportReport report = new ExportReport(created, "file:///x/manifest.json", List.of(), List.of(), 0, 0,
        Map.of("Observation", 2L), Duration.ofSeconds(1));
    ExportJobs.Job job = new ExportJobs.Job("id-5", created, INPUT, "own", ExportJobs.State.COMPLETED,
        created.plusSeconds(1), report, null);

    var status = ExportBodies.status(job, created.plusSeconds(2));

    assertThat(status.path("changedAfterTransactionTime").path("Observation").asLong()).isEqualTo(2);
    assertThat(status.path("transactionTime").asText()).isEqualTo("2026-01-01T00:00:00Z");
  }

  private static String refusal(String body) {
    try {
      ExportBodies.all(Json.parse(body.getBytes()));
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("accepted: " + body);
  }
}
