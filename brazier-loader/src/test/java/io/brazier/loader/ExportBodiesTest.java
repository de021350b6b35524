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
  @Test
  void anAltExportBodyBecomesAPatientExport() throws Exception {
    PatientExport request = ExportBodies.patients(Json.parse("""
        {"query":"Coverage?class-value=Med1&_count=50","patientreferencefield":"subscriber",
         "include":["Patient?_id=$IDS&_count=50","Coverage?patient=$IDS&_count=50"]}""".getBytes()));

    assertThat(request.query()).isEqualTo("Coverage?class-value=Med1&_count=50");
    assertThat(request.patientField()).isEqualTo("subscriber");
    assertThat(request.includes()).containsExactly("Patient?_id=$IDS&_count=50", "Coverage?patient=$IDS&_count=50");
    assertThat(request.batchSize()).isEqualTo(50);
  }

  @Test
  void anAltExportAllBodyBecomesATypeExport() throws Exception {
    TypeExport request = ExportBodies.all(Json.parse("""
        {"_type":"Observation","_since":"2024-01-01T00:00:00Z","_till":"2024-02-01T00:00:00+01:00",
         "_parallelizationCount":8}""".getBytes()));

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
        .getBytes()))).hasMessageContaining("--parallel must be between 1 and 100");
  }

  @Test
  void theStatusOfAnEndedJobListsItsOutput() {
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    ExportReport report = new ExportReport(created, "file:///x/manifest.json",
        List.of(new ExportFile("Patient", "file:///x/Patient-1.ndjson", 3)), List.of(), 3, 0, Map.of(),
        Duration.ofMinutes(3));
    ExportJobs.Job job = new ExportJobs.Job("id-1", created, new TypeExport("Patient", null, null, 1, 10),
        ExportJobs.State.COMPLETED, created.plus(Duration.ofMinutes(3)), report, null);

    var status = ExportBodies.status(job, created.plusSeconds(3600));

    assertThat(status.path("instanceId").asText()).isEqualTo("id-1");
    assertThat(status.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(status.path("elapsedtimeinminutes").asDouble()).isEqualTo(3.0);
    assertThat(status.path("manifest").asText()).isEqualTo("file:///x/manifest.json");
    assertThat(status.path("output").get(0).path("count").asLong()).isEqualTo(3);
  }
}
