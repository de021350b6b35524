package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The end of an export as its user reads it: what was written, what failed, and what to export again. */
class ExportReportTest {
  private static final Instant AT = Instant.parse("2026-12-06T05:00:00Z");
  private static final List<ExportFile> OUTPUT = List.of(new ExportFile("Patient", "file:///x/Patient.ndjson", 10),
      new ExportFile("Observation", "file:///x/Observation.ndjson", 90));

  @Test
  void anExportWithoutErrorFilesSucceededAndSaysWhatItWrote() {
    ExportReport report = new ExportReport(AT, "file:///x/manifest.json", OUTPUT, List.of(), 100, 4, Map.of(),
        Duration.ofSeconds(2));

    assertThat(report.succeeded()).isTrue();
    assertThat(report.failedRequests()).isZero();
    assertThat(report.summary()).startsWith("Exported 100 resources into 2 files in 2.0 s (50 resources/s); 4"
        + " reached again and written once; 0 requests failed.").contains("Manifest: file:///x/manifest.json")
        .doesNotContain("Errors");
  }

  @Test
  void errorFilesFailTheExportCountTheirRequestsAndAreNamed() {
    List<ExportFile> errors = List.of(new ExportFile("OperationOutcome", "file:///x/errors-1.ndjson", 2),
        new ExportFile("OperationOutcome", "file:///x/errors-2.ndjson", 3));

    ExportReport report = new ExportReport(AT, "m", OUTPUT, errors, 100, 0, Map.of(), Duration.ofSeconds(1));

    assertThat(report.succeeded()).isFalse();
    assertThat(report.failedRequests()).isEqualTo(5);
    assertThat(report.summary()).contains("5 requests failed.", "Errors (OperationOutcome): file:///x/errors-1.ndjson",
        "Errors (OperationOutcome): file:///x/errors-2.ndjson");
  }

  @Test
  void resourcesChangedWhileItRanAreNamedWithTheSinceToExportThemAgain() {
    ExportReport report = new ExportReport(AT, "m", OUTPUT, List.of(), 100, 0, Map.of("Observation", 1_234L),
        Duration.ofSeconds(1));

    assertThat(report.summary()).contains("1,234 Observation resources changed after 2026-12-06T05:00:00Z, while the"
        + " export ran; export them with --since 2026-12-06T05:00:00Z");
  }

  @Test
  void anInstantExportStillHasARate() {
    ExportReport report = new ExportReport(AT, "m", List.of(), List.of(), 0, 0, Map.of(), Duration.ZERO);

    assertThat(report.summary()).startsWith("Exported 0 resources into 0 files in 0.0 s (0 resources/s)");
  }
}
