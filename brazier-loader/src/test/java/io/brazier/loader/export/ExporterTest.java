package io.brazier.loader.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.client.HttpFhirClient;
import io.brazier.loader.ExportDestination;
import io.brazier.loader.ExportFile;
import io.brazier.loader.ExportProgress;
import io.brazier.loader.ExportRefused;
import io.brazier.loader.ExportReport;
import io.brazier.loader.ExportRequest;
import io.brazier.loader.Load;
import io.brazier.loader.LoaderConfig;
import io.brazier.loader.PatientExport;
import io.brazier.loader.Samples;
import io.brazier.loader.TypeExport;
import io.brazier.loader.files.Inputs;
import io.brazier.loader.send.Json;
import io.brazier.loader.storage.FolderStorage;
import io.brazier.server.Caller;
import io.brazier.server.TestServer;
import io.brazier.testkit.ClosedPort;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports from a real Brazier holding the Synthea sample, checked against the same searches run by hand. */
class ExporterTest {
  private static final List<String> PATIENTS = List.of("aca6f94f-a0ce-f8cb-02c2-5323708e8ab5",
      "ae39fda0-2fe9-8c70-7776-7bee82076723", "82f5e735-2159-0342-93f7-8660a4ef1a72");
  private static final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();

  @TempDir
  Path out;

  /**
   * The sample, a file per type (so that the loader loads what others refer to first) and 20 resources a batch, so
   * that the resources' update times spread.
   */
  @BeforeAll
  static void loadTheSample(@TempDir Path dir) throws Exception {
    Path sample = Samples.syntheaNdjson(dir.resolve("sample.ndjson.all"));
    Map<String, List<String>> byType = new TreeMap<>();
    for (String line : Files.readAllLines(sample)) {
      byType.computeIfAbsent(Json.parse(line.getBytes()).path("resourceType").asText(), type -> new ArrayList<>())
          .add(line);
    }
    Files.delete(sample);
    for (Map.Entry<String, List<String>> type : byType.entrySet()) {
      Files.write(dir.resolve(type.getKey() + ".ndjson"), type.getValue());
    }
    try (Inputs inputs = Inputs.of(List.of(dir.toString()))) {
      var report = new Load(target(server.baseUrl()), LoaderConfig.defaults().withSending(2, 20, 20))
          .run(inputs, new io.brazier.loader.LogProgress(Duration.ofMinutes(1)));
      assertThat(report.failures()).isEmpty();
      assertThat(report.resources()).isEqualTo(372);
    }
  }

  @Test
  void aPatientExportEqualsTheUnionOfItsIncludesRunByHandWithEachResourceOnce() throws Exception {
    List<String> includes = List.of("Patient?_id=$IDS", "Observation?patient=$IDS&_count=7",
        "Observation?patient=$IDS&category=vital-signs", "Encounter?patient=$IDS", "Condition?subject=$IDS");
    PatientExport request = new PatientExport("Patient?_id=" + PATIENTS.get(0) + "," + PATIENTS.get(1), "id",
        includes, 1, 2000);

    ExportReport report = export(request);

    Set<String> byHand = new HashSet<>();
    for (String include : includes) {
      for (String patient : PATIENTS.subList(0, 2)) {
        byHand.addAll(searchByHand(include.replace("$IDS", patient)));
      }
    }
    List<String> exported = exportedResources(report);
    assertThat(exported).doesNotHaveDuplicates();
    assertThat(new HashSet<>(exported)).isEqualTo(byHand);
    assertThat(report.repeats()).as("vital signs are Observations too").isPositive();
    assertThat(report.succeeded()).isTrue();
    assertThat(report.output()).extracting(ExportFile::type)
        .containsExactlyInAnyOrder("Condition", "Encounter", "Observation", "Patient");
  }

  @Test
  void theQueryGivesPatientsThroughAFieldThatRefersToThem() throws Exception {
    PatientExport request = new PatientExport("Encounter?patient=" + PATIENTS.get(2), "subject",
        List.of("Patient?_id=$IDS"), 50, 2000);

    ExportReport report = export(request);

    assertThat(exportedResources(report)).containsExactly("Patient/" + PATIENTS.get(2));
  }

  @Test
  void aGroupGivesItsMembers() throws Exception {
    Group group = new Group().setType(Group.GroupType.PERSON).setActual(true);
    group.addMember().setEntity(new Reference("Patient/" + PATIENTS.get(0)));
    group.addMember().setEntity(new Reference("Patient/" + PATIENTS.get(2)));
    String id = client.create().resource(group).execute().getId().getIdPart();

    ExportReport report = export(new PatientExport(PatientExport.group(id), "id", List.of("Patient?_id=$IDS"), 50,
        2000));

    assertThat(exportedResources(report)).containsExactlyInAnyOrder("Patient/" + PATIENTS.get(0),
        "Patient/" + PATIENTS.get(2));
  }

  @Test
  void aTypeExportInSlicesEqualsOneFullSearchAndRollsItsFiles() throws Exception {
    Recording progress = new Recording();

    ExportReport report = new Exporter(target(server.baseUrl()), LoaderConfig.defaults().withSending(4, 500, 500))
        .run(new TypeExport("Observation", null, null, 4, 25), new ExportDestination(new FolderStorage(out), "", "", 20_000), progress);

    List<String> exported = exportedResources(report);
    assertThat(progress.searches.get()).as("slices").isBetween(2, 4);
    assertThat(exported).doesNotHaveDuplicates();
    assertThat(new HashSet<>(exported))
        .isEqualTo(searchByHand("Observation?_lastUpdated=lt" + report.transactionTime() + "&_count=200"));
    assertThat(report.output()).as("files rolled at 20 KB").hasSizeGreaterThan(1);
    assertThat(report.output()).extracting(ExportFile::count).allMatch(count -> count > 0);
  }

  @Test
  void anExportInTheServersProcessFollowsItsRelativePageLinks() throws Exception {
    var inProcess = server.api().client(Caller.system("urn:brazier:loader"), "");

    ExportReport report = new Exporter(inProcess, LoaderConfig.defaults()).run(new PatientExport(
        "Patient?_id=" + PATIENTS.get(1), "id", List.of("Observation?patient=$IDS&_count=5"), 50, 2000),
        new ExportDestination(new FolderStorage(out), "", "", 1 << 20), ExportProgress.none());

    assertThat(new HashSet<>(exportedResources(report)))
        .isEqualTo(searchByHand("Observation?patient=" + PATIENTS.get(1)))
        .hasSizeGreaterThan(5);
  }

  @Test
  void theManifestListsEveryFileWithItsCountInTheBulkDataShape() throws Exception {
    ExportReport report = export(new PatientExport("Patient?_id=" + PATIENTS.get(0), "id",
        List.of("Patient?_id=$IDS", "Encounter?patient=$IDS"), 50, 2000));

    var manifest = Json.parse(Files.readAllBytes(Path.of(URI.create(report.manifest()))));
    assertThat(manifest.path("transactionTime").asText()).isEqualTo(report.transactionTime().toString());
    assertThat(manifest.path("request").asText()).contains("Encounter?patient=$IDS");
    assertThat(manifest.path("error").size()).isZero();
    assertThat(manifest.path("output").size()).isEqualTo(2);
    for (var file : manifest.path("output")) {
      List<String> lines = Files.readAllLines(Path.of(URI.create(file.path("url").asText())));
      assertThat(lines).hasSize(file.path("count").asInt());
      assertThat(lines).allMatch(line -> line.contains("\"resourceType\":\"" + file.path("type").asText() + "\""));
    }
    try (var files = Files.list(out)) {
      assertThat(files.map(path -> path.getFileName().toString()))
          .containsExactlyInAnyOrder("manifest.json", "Patient-1.ndjson", "Encounter-1.ndjson");
    }
  }

  @Test
  void aSearchTheServerRefusesIsAnErrorEntryAndTheRestIsExported() throws Exception {
    ExportReport report = export(new PatientExport("Patient?_id=" + PATIENTS.get(0), "id",
        List.of("Patient?_id=$IDS", "Observation?patient=$IDS&date=not-a-date"), 50, 2000));

    assertThat(report.succeeded()).isFalse();
    assertThat(report.failedRequests()).isEqualTo(1);
    assertThat(exportedResources(report)).containsExactly("Patient/" + PATIENTS.get(0));
    String errors = Files.readString(Path.of(URI.create(report.errors().get(0).url())));
    assertThat(errors).contains("OperationOutcome", "date=not-a-date", "400");
  }

  @Test
  void aSearchIntervalWiderThanTheRangeKeepsItOneSliceAndStillExportsEverything() throws Exception {
    Recording progress = new Recording();

    ExportReport report = new Exporter(target(server.baseUrl()), LoaderConfig.defaults())
        .run(new TypeExport("Observation", null, null, 4, 200, Duration.ofDays(365 * 200)),
            new ExportDestination(new FolderStorage(out), "", "", 1 << 20), progress);

    assertThat(progress.searches.get()).as("not cut finer than the interval").isEqualTo(1);
    assertThat(new HashSet<>(exportedResources(report)))
        .isEqualTo(searchByHand("Observation?_lastUpdated=lt" + report.transactionTime() + "&_count=200"));
  }

  @Test
  void resourcesChangedWhileTheExportRunsAreReported() throws Exception {
    AtomicBoolean changed = new AtomicBoolean();
    ExportProgress changeOnFirstPage = new Recording() {
      @Override
      public void resources(int written) {
        if (changed.compareAndSet(false, true)) {
          Observation observation = client.read().resource(Observation.class)
              .withId(searchByHand("Observation?patient=" + PATIENTS.get(1) + "&_count=1").iterator().next()
                  .substring("Observation/".length())).execute();
          client.update().resource(observation.setStatus(Observation.ObservationStatus.AMENDED)).execute();
        }
      }
    };

    ExportReport report = new Exporter(target(server.baseUrl()), LoaderConfig.defaults())
        .run(new TypeExport("Observation", null, null, 1, 50), new ExportDestination(new FolderStorage(out), "", "", 1 << 20), changeOnFirstPage);

    assertThat(report.changedAfter()).containsKey("Observation");
    assertThat(report.summary()).contains("changed after " + report.transactionTime(),
        "--since " + report.transactionTime());
  }

  @Test
  void anUnknownTypeIsRefusedBeforeAnythingIsWritten() {
    assertThatThrownBy(() -> export(new TypeExport("Observatoin", null, null, 1, 50)))
        .isInstanceOfSatisfying(ExportRefused.class, e -> {
          assertThat(e.badInput()).isTrue();
          assertThat(e.getMessage()).contains("Observatoin is not a resource type the server");
        });
    assertThat(out).isEmptyDirectory();
  }

  @Test
  void aQueryOfAnotherTypeWithoutItsPatientFieldIsRefused() {
    assertThatThrownBy(() -> export(new PatientExport("Encounter?patient=" + PATIENTS.get(0), "id",
        List.of("Patient?_id=$IDS"), 50, 2000)))
        .isInstanceOf(ExportRefused.class).hasMessageContaining("give --patient-field");
  }

  @Test
  void anUnreachableServerIsRefusedWithItsAddress() {
    String nowhere = ClosedPort.url("/fhir").toString();

    assertThatThrownBy(() -> new Exporter(target(nowhere), LoaderConfig.defaults().withRetries(0, Duration.ZERO)).run(new TypeExport("Observation", null, null, 1, 50),
        new ExportDestination(new FolderStorage(out), "", "", 1 << 20), ExportProgress.none()))
        .isInstanceOfSatisfying(ExportRefused.class, e -> {
          assertThat(e.badInput()).isFalse();
          assertThat(e.getMessage()).contains(nowhere, "could not be reached");
        });
  }

  @Test
  void requestsThatAreNotSearchesOrLackIdsSayWhatToFix() {
    assertThatThrownBy(() -> new PatientExport("Patient/123", "id", List.of("Patient?_id=$IDS"), 50, 2000))
        .hasMessageContaining("--query must be a search");
    assertThatThrownBy(() -> new PatientExport("http://other/fhir/Patient", "id", List.of("Patient?_id=$IDS"), 50,
        2000)).hasMessageContaining("--query must be a search");
    assertThatThrownBy(() -> new PatientExport("Patient", "id", List.of("Observation?patient=123"), 50, 2000))
        .hasMessageContaining("has no $IDS");
    assertThatThrownBy(() -> new PatientExport("Patient", "id", List.of(), 50, 2000))
        .hasMessageContaining("at least one --include");
    assertThatThrownBy(() -> new TypeExport("Observation?code=x", null, null, 1, 50))
        .hasMessageContaining("--type takes a resource type");
    assertThatThrownBy(() -> new TypeExport("Observation", Instant.parse("2026-01-02T00:00:00Z"),
        Instant.parse("2026-01-01T00:00:00Z"), 1, 50)).hasMessageContaining("--since must be before --till");
  }

  private ExportReport export(ExportRequest request) throws Exception {
    return new Exporter(target(server.baseUrl()), LoaderConfig.defaults())
        .run(request, new ExportDestination(new FolderStorage(out), "", "", 1 << 20), ExportProgress.none());
  }

  private static HttpFhirClient target(String url) {
    return new HttpFhirClient(URI.create(url), Optional.empty(), Duration.ofSeconds(60));
  }

  /** Type/id of every line of every file the export wrote. */
  static List<String> exportedResources(ExportReport report) throws IOException {
    List<String> resources = new ArrayList<>();
    for (ExportFile file : report.output()) {
      for (String line : Files.readAllLines(Path.of(URI.create(file.url())))) {
        var resource = Json.parse(line.getBytes());
        resources.add(resource.path("resourceType").asText() + "/" + resource.path("id").asText());
      }
    }
    return resources;
  }

  /** Type/id of everything a search finds, every page, through the HAPI client. */
  private Set<String> searchByHand(String search) {
    Set<String> found = new HashSet<>();
    Bundle page = client.search().byUrl(search).returnBundle(Bundle.class).execute();
    while (true) {
      page.getEntry().forEach(entry -> found.add(entry.getResource().getIdElement().toUnqualifiedVersionless()
          .getValue()));
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        return found;
      }
      page = client.loadPage().next(page).execute();
    }
  }

  /** Counts the searches planned. */
  static class Recording implements ExportProgress {
    final AtomicInteger searches = new AtomicInteger();

    @Override
    public void start(int count) {
      searches.set(count);
    }
  }
}
