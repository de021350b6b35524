package io.brazier.server.operation;

import static io.brazier.server.operation.FolderImports.MAX_ERRORS;
import static io.brazier.server.operation.FolderImports.MAX_LINE_BYTES;
import static io.brazier.server.operation.FolderImports.line;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import io.brazier.server.operation.Importer.Input;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/**
 * How an input is read in batches (of 1,000 lines) on a server whose lines may be at most 4 KiB: a bad line is
 * named by its number in the input wherever batches break, and a line too long fails alone, even as the first line
 * (which is then no sign that the input is not NDJSON). An input is read no further once the batches staged hold
 * {@value FolderImports#MAX_ERRORS} failed lines. A conditional reference finds the resources of an input read
 * before its own.
 */
class ImportReaderTest {
  private static final FolderImports imports = FolderImports.shared();

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void badLinesAreNamedByTheirNumberInTheInputAcrossBatchesAndALineTooLongFailsAlone() {
    List<String> lines = new ArrayList<>();
    for (int line = 1; line <= 2500; line++) {
      lines.add(switch (line) {
        case 1, 1000, 1001, 2500 -> "{\"resourceType\":\"Patient\",";
        case 1500 -> patient(line, "x".repeat(MAX_LINE_BYTES));
        default -> patient(line, "Batch");
      });
    }
    String url = file("Batches.ndjson", lines);

    JsonNode manifest = imports.run("Patient", url);

    assertThat(Importer.count(manifest, url)).isEqualTo(2495);
    List<String> diagnostics = imports.diagnostics(manifest, url);
    assertThat(diagnostics).extracting(d -> d.substring(0, d.indexOf(": ")))
        .containsExactly(line(1, url), line(1000, url), line(1001, url), line(1500, url), line(2500, url));
    assertThat(diagnostics.get(3)).isEqualTo(line(1500, url) + ": The line is longer than " + MAX_LINE_BYTES
        + " bytes (--max-body-bytes).");
    assertThat(count("Patient?given=Batch&family=" + run)).isEqualTo(2495);
  }

  @Test
  void aFirstLineTooLongIsNoSignThatTheInputIsNotNdjson() {
    String url = file("LongFirst.ndjson", List.of(patient(1, "x".repeat(MAX_LINE_BYTES)),
        "{\"resourceType\":\"Patient\",", patient(3, "AfterLong")));

    JsonNode manifest = imports.run("Patient", url);

    assertThat(Importer.count(manifest, url)).isEqualTo(1);
    assertThat(imports.diagnostics(manifest, url)).extracting(d -> d.substring(0, d.indexOf(": ")))
        .containsExactly(line(1, url), line(2, url));
    assertThat(count("Patient?given=AfterLong&family=" + run)).isEqualTo(1);
  }

  @Test
  void anInputWhoseFirstTwoLinesAreNoJsonObjectsFailsOnceSayingThatItIsNotNdjson() {
    String url = file("Headed.ndjson", List.of("# exported 2026-12-01", "# 2 patients", patient(3, "Headed"),
        patient(4, "Headed")));

    JsonNode manifest = imports.run("Patient", url);

    assertThat(Importer.count(manifest, url)).isZero();
    assertThat(imports.diagnostics(manifest, url)).containsExactly(line(1, url) + ": The input is not NDJSON (a JSON"
        + " resource a line): neither its first line nor the next is a JSON object, so it was not read further.");
  }

  /**
   * A file of garbage does not fill the database with an OperationOutcome a line: the input stops at the end of the
   * batch that reached the bound, and its counts are those of the lines before, with one failure more that says so.
   */
  @Test
  void anInputIsReadNoFurtherOnceItsBatchesReachMaxImportErrorsAndItsLastFailureSaysWhere() {
    List<String> lines = new ArrayList<>(List.of(patient(1, "Garbage")));
    for (int line = 2; line < 5000; line++) {
      lines.add("{\"resourceType\":\"Patient\",");
    }
    lines.add(patient(5000, "Garbage"));
    String url = file("Garbage.ndjson", lines);

    JsonNode manifest = imports.run("Patient", url);

    assertThat(Importer.count(manifest, url)).isEqualTo(1);
    List<String> diagnostics = imports.diagnostics(manifest, url);
    assertThat(diagnostics).hasSize(2000);
    assertThat(diagnostics.get(1998)).startsWith(line(2000, url) + ": The line is not valid JSON");
    assertThat(diagnostics.get(1999)).isEqualTo(line(2001, url) + ": 1999 lines of the first 2000 failed, which"
        + " reaches --max-import-errors " + MAX_ERRORS + ", so the input was not read further: its lines after line"
        + " 2000 are not imported.");
    assertThat(count("Patient?given=Garbage&family=" + run)).isEqualTo(1);
  }

  @Test
  void anInputThatReachesMaxImportErrorsWithItsLastBatchEndsWithoutAFailureMore() {
    List<String> lines = new ArrayList<>(List.of(patient(1, "Ends")));
    for (int line = 2; line <= 2000; line++) {
      lines.add("{\"resourceType\":\"Patient\",");
    }
    String url = file("Ends.ndjson", lines);

    JsonNode manifest = imports.run("Patient", url);

    assertThat(Importer.count(manifest, url)).isEqualTo(1);
    assertThat(imports.diagnostics(manifest, url)).hasSize(1999).allMatch(d -> d.contains("not valid JSON"));
  }

  @Test
  void aConditionalReferenceFindsTheResourcesOfAnInputReadJustBeforeItsOwn() {
    String patients = file("Identified.ndjson", List.of("{\"resourceType\":\"Patient\",\"id\":\"" + run
        + "-identified\",\"identifier\":[{\"system\":\"urn:test\",\"value\":\"" + run + "\"}]}"));
    String observations = file("Subjects.ndjson", List.of("{\"resourceType\":\"Observation\",\"id\":\"" + run
        + "-observed\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":"
        + "\"Patient?identifier=urn:test|" + run + "\"}}"));

    JsonNode manifest = imports.run(new Input("Observation", observations), new Input("Patient", patients));

    assertThat(imports.diagnostics(manifest, observations)).isEmpty();
    Observation observation = imports.server().client().read().resource(Observation.class)
        .withId(run + "-observed").execute();
    assertThat(observation.getSubject().getReference()).isEqualTo("Patient/" + run + "-identified");
  }

  private String patient(int line, String given) {
    return "{\"resourceType\":\"Patient\",\"id\":\"" + run + "-" + line + "\",\"name\":[{\"family\":\"" + run
        + "\",\"given\":[\"" + given + "\"]}]}";
  }

  private String file(String name, List<String> lines) {
    return imports.file(run + "-" + name, lines);
  }

  private long count(String query) {
    return imports.server().client().search().byUrl(query + "&_summary=count").returnBundle(Bundle.class).execute()
        .getTotal();
  }
}
