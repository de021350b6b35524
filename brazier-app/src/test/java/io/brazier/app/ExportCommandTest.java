package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.server.TestServer;
import io.brazier.testkit.Azurite;
import io.brazier.testkit.ClosedPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code brazier export} end to end: a real server, a folder, an Azurite container, and what users get wrong. */
class ExportCommandTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final TestServer server = TestServer.shared();

  @TempDir
  Path out;

  @BeforeAll
  static void aPatientWithObservations() {
    IGenericClient client = server.client();
    client.update().resource(new Patient().setActive(true).setId("export-cli-1")).execute();
    for (int i = 0; i < 3; i++) {
      client.update().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
          .setCode(new CodeableConcept().setText("pulse"))
          .setSubject(new Reference("Patient/export-cli-1")).setId("export-cli-obs-" + i)).execute();
    }
  }

  @Test
  void exportAllWritesTheTypeAndAManifestIntoTheFolderAndExitsZero() throws Exception {
    Run run = run("export", "all", "--fhir", server.baseUrl(), "--type", "Observation", "--parallel", "2", "--out",
        out.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("Exported", "manifest.json");
    JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
    assertThat(manifest.path("output").get(0).path("type").asText()).isEqualTo("Observation");
    assertThat(Files.readString(out.resolve("Observation-1.ndjson"))).contains("export-cli-obs-2");
  }

  @Test
  void exportPatientsWritesIntoABlobContainer() throws Exception {
    Azurite azurite = Azurite.shared();

    Run run = run("export", "patients", "--fhir", server.baseUrl(), "--query", "Patient?_id=export-cli-1",
        "--include", "Patient?_id=$IDS", "--include", "Observation?subject=$IDS", "--out",
        azurite.connectionString(), "--container", "exports");

    assertThat(run.code()).as(run.err()).isZero();
    BlobContainerClient container = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
        .buildClient().getBlobContainerClient("exports");
    List<String> names = new ArrayList<>();
    container.listBlobs().forEach(blob -> names.add(blob.getName()));
    assertThat(names).containsExactlyInAnyOrder("manifest.json", "Patient-1.ndjson", "Observation-1.ndjson");
    JsonNode manifest = JSON.readTree(container.getBlobClient("manifest.json").downloadContent().toBytes());
    assertThat(manifest.path("output")).extracting(file -> file.path("url").asText())
        .allMatch(url -> url.startsWith(container.getBlobContainerUrl()));
    String observations = container.getBlobClient("Observation-1.ndjson").downloadContent().toString();
    assertThat(observations.lines()).hasSize(3);
  }

  @Test
  void aSearchIntervalWithoutParallelSlicesIsAUsageError() {
    Run run = run("export", "all", "--fhir", server.baseUrl(), "--type", "Observation", "--parallel", "1",
        "--search-interval", "60", "--out", out.toString());

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--search-interval only cuts slices: give --parallel above 1 with it");
  }

  @Test
  void badInputExitsTwoAndSaysWhatToFix() {
    Run unknownType = run("export", "all", "--fhir", server.baseUrl(), "--type", "Observatoin", "--out",
        out.toString());
    Run notASearch = run("export", "patients", "--query", "Patient/123", "--include", "Patient?_id=$IDS", "--out",
        out.toString());
    Run noIds = run("export", "patients", "--query", "Patient", "--include", "Observation?patient=1", "--out",
        out.toString());
    Run queryAndGroup = run("export", "patients", "--query", "Patient", "--group", "g", "--include",
        "Patient?_id=$IDS", "--out", out.toString());
    Run noOut = run("export", "all", "--type", "Observation");
    Run accountWithoutContainer = run("export", "all", "--type", "Observation", "--out",
        "UseDevelopmentStorage=true");
    Run badSince = run("export", "all", "--type", "Observation", "--since", "yesterday", "--out", out.toString());

    assertThat(List.of(unknownType, notASearch, noIds, queryAndGroup, noOut, accountWithoutContainer, badSince))
        .extracting(Run::code).containsOnly(2);
    assertThat(unknownType.err()).contains("Observatoin is not a resource type the server");
    assertThat(notASearch.err()).contains("--query must be a search");
    assertThat(noIds.err()).contains("has no $IDS");
    assertThat(queryAndGroup.err()).contains("--query SEARCH or by --group ID");
    assertThat(noOut.err()).contains("--out DIR");
    assertThat(accountWithoutContainer.err()).contains("--container NAME");
    assertThat(badSince.err()).contains("'yesterday' is not an instant");
  }

  @Test
  void anUnreachableServerExitsOneAndNamesIt() {
    String nowhere = ClosedPort.url("/fhir").toString();

    Run run = run("export", "all", "--fhir", nowhere, "--max-retries", "0", "--type", "Observation", "--out",
        out.toString());

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains(nowhere, "could not be reached").doesNotContain("Exception");
  }

  @Test
  void exportHelpExplainsEveryOption() {
    CommandLine export = Brazier.commandLine(new String[0]).getSubcommands().get("export");
    for (CommandLine command : export.getSubcommands().values()) {
      String help = command.getUsageMessage();
      command.getCommandSpec().options().forEach(option -> {
        assertThat(help).contains(option.longestName());
        assertThat(option.description()).as(option.longestName()).isNotEmpty();
      });
    }
  }

  @Test
  void helpSumsUpEachKindOfExportInAWholeSentence() {
    Run run = run("export", "--help");

    assertThat(run.code()).isZero();
    String commands = run.out().substring(run.out().indexOf("Commands:")).replaceAll("\\s+", " ");
    assertThat(commands).contains(
        "patients Exports the patients a query (or a Group) gives and what each --include search finds of them.",
        "all Exports every resource of one type last updated in [--since, --till), in parallel time slices.");
  }

  record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    Cli cli = Cli.run(args);
    return new Run(cli.code(), cli.out(), cli.err());
  }
}
