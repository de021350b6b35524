package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.Http;
import io.brazier.server.ImportConfig;
import io.brazier.server.LogLines;
import io.brazier.server.Meeting;
import io.brazier.server.Overlap;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.server.Warnings;
import io.brazier.server.operation.Importer.Input;
import io.brazier.store.Change;
import io.brazier.testkit.TempFolders;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code $import} end to end on a server of its own (its job runner reads this class's folder and loopback host):
 * files and loopback HTTP as sources, versions and history, references across inputs, and every bad input.
 */
class ImportTest {
  /** Kick-offs a test makes meet inside the servers (this class's, a second node), so that they run at once. */
  private static final Meeting meeting = new Meeting("$import");
  /** The requests that this class's server and a second node answer at once, counted across both. */
  private static final Overlap nodes = new Overlap();
  private static Path folder;
  private static Loopback loopback;
  private static TestServer server;
  private static Importer importer;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final IGenericClient client = server.client();

  @BeforeAll
  static void start() throws IOException {
    folder = Files.createTempDirectory("brazier-import").toRealPath();
    loopback = new Loopback(folder);
    server = TestServer.start(ServerConfig.builder()
        .imports(new ImportConfig(folder, List.of(loopback.hostPort()), null)).build(), List.of(nodes, meeting));
    importer = new Importer(server);
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
    loopback.close();
    TempFolders.delete(folder);
  }

  @Test
  void aFileImportKeepsIdsVersionsAndLastUpdatedFillsHistoryInVersionOrderAndFeedsTheChanges() {
    String url = file("Patient.ndjson",
        patient("a", "\"meta\":{\"versionId\":\"2\",\"lastUpdated\":\"2021-01-01T00:00:00.000+00:00\"},", "Second"),
        patient("a", "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2020-01-01T00:00:00.000+00:00\"},", "First"),
        patient("b", "", "Only"));
    long before = server.lastChange();

    JsonNode manifest = importer.run("IncrementalLoad", new Input("Patient", url));

    assertThat(Importer.count(manifest, url)).isEqualTo(3);
    assertThat(manifest.path("error")).isEmpty();
    assertThat(manifest.path("transactionTime").asText()).isNotBlank();
    assertThat(manifest.path("request").asText()).endsWith("/fhir/$import");
    Patient a = client.read().resource(Patient.class).withId(id("a")).execute();
    assertThat(a.getMeta().getVersionId()).isEqualTo("2");
    assertThat(a.getMeta().getLastUpdatedElement().getValueAsString()).isEqualTo("2021-01-01T00:00:00.000+00:00");
    assertThat(a.getNameFirstRep().getGivenAsSingleString()).isEqualTo("Second");
    Patient first = client.read().resource(Patient.class).withId(new org.hl7.fhir.r4.model.IdType("Patient", id("a"), "1")).execute();
    assertThat(first.getNameFirstRep().getGivenAsSingleString()).isEqualTo("First");
    assertThat(history("a")).containsExactly("2", "1");
    assertThat(history("b")).containsExactly("1");
    assertThat(server.changesSince(before)).extracting(Change::id, Change::version, Change::action)
        .containsExactlyInAnyOrder(tuple(id("a"), 1, Change.Action.CREATE), tuple(id("a"), 2, Change.Action.UPDATE),
            tuple(id("b"), 1, Change.Action.CREATE));
    assertThat(searchIds("Patient?family=" + run)).containsExactlyInAnyOrder(id("a"), id("b"));
  }

  /**
   * History and the change feed tell each version's request alike: an imported resource whose versions start above
   * 1, or that comes back after a deletion with versions missing between, was created by its first version.
   */
  @Test
  void anImportedVersionWithNoVersionOrADeletionBeforeItCreatesItsResourceInHistory() {
    client.update().resource(new Patient().setId(id("back"))).execute();
    client.delete().resourceById("Patient", id("back")).execute();
    long before = server.lastChange();
    String url = file("Gaps.ndjson", patient("late", "\"meta\":{\"versionId\":\"2\"},", "Two"),
        patient("late", "\"meta\":{\"versionId\":\"3\"},", "Three"),
        patient("back", "\"meta\":{\"versionId\":\"5\"},", "Back"));

    importer.run("IncrementalLoad", new Input("Patient", url));

    assertThat(statuses("late")).containsExactly("200 OK", "201 Created");
    assertThat(statuses("back")).containsExactly("201 Created", "204 No Content", "201 Created");
    assertThat(server.changesSince(before)).extracting(Change::id, Change::version, Change::action)
        .containsExactlyInAnyOrder(tuple(id("late"), 2, Change.Action.CREATE),
            tuple(id("late"), 3, Change.Action.UPDATE), tuple(id("back"), 5, Change.Action.CREATE));
  }

  @Test
  void anImportRunTwiceWritesNothingTheSecondTimeAndItsManifestSaysSo() {
    String url = file("Twice.ndjson", patient("a", "", "Once"),
        patient("b", "\"meta\":{\"versionId\":\"4\"},", "Versioned"), patient("c", "", "Superseded"),
        patient("c", "", "Last"));
    JsonNode first = importer.run(null, new Input("Patient", url));
    long before = server.lastChange();

    JsonNode again = importer.run(null, new Input("Patient", url));

    assertThat(Importer.count(first, url)).isEqualTo(4);
    assertThat(Importer.written(first, url)).as("of c, only its last line").isEqualTo(3);
    assertThat(Importer.count(again, url)).isEqualTo(4);
    assertThat(Importer.written(again, url)).isZero();
    assertThat(server.changesSince(before)).isEmpty();
    assertThat(history("c")).containsExactly("1");
    assertThat(history("a")).containsExactly("1");
    assertThat(history("b")).containsExactly("4");
  }

  /**
   * An operator purged what an import wrote ({@code $purge-history} of one resource, a hard delete of another):
   * the same import run again brings none of it back, while a version newer than the purge is still imported.
   */
  @Test
  void anImportRunAgainAfterAPurgeLeavesThePurgedVersionsOutAndImportsANewerOne() {
    String url = file("Purged.ndjson", patient("kept", "\"meta\":{\"versionId\":\"1\"},", "One"),
        patient("kept", "\"meta\":{\"versionId\":\"2\"},", "Two"),
        patient("gone", "\"meta\":{\"versionId\":\"1\"},", "One"),
        patient("gone", "\"meta\":{\"versionId\":\"2\"},", "Two"));
    importer.run("IncrementalLoad", new Input("Patient", url));
    server.http().send("DELETE", "/fhir/Patient/" + id("kept") + "/$purge-history", null);
    server.http().send("DELETE", "/fhir/Patient/" + id("gone") + "?hardDelete=true", null);
    long before = server.lastChange();

    JsonNode again = importer.run("IncrementalLoad", new Input("Patient", url));
    importer.run("IncrementalLoad", new Input("Patient", file("Newer.ndjson",
        patient("kept", "\"meta\":{\"versionId\":\"3\"},", "Three"))));

    assertThat(again.path("error")).isEmpty();
    assertThat(Importer.written(again, url)).isZero();
    assertThat(history("kept")).containsExactly("3", "2");
    assertThat(statuses("gone")).containsExactly("204 No Content");
    assertThat(server.changesSince(before)).extracting(Change::id, Change::version)
        .containsExactly(tuple(id("kept"), 3));
  }

  @Test
  void aChangedLineWithoutAVersionBecomesTheNextVersionOfAStoredResource() {
    client.update().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily(run))
        .setId(id("a"))).execute();
    String url = file("Changed.ndjson", patient("a", "", "Changed"));

    importer.run("IncrementalLoad", new Input("Patient", url));
    importer.run("IncrementalLoad", new Input("Patient", url));

    assertThat(history("a")).containsExactly("2", "1");
    assertThat(client.read().resource(Patient.class).withId(id("a")).execute().getNameFirstRep()
        .getGivenAsSingleString()).isEqualTo("Changed");
  }

  @Test
  void aVersionFilledInWithoutALastUpdatedTakesItsPlaceInHistoryBeforeTheVersionAfterIt() {
    String third = "2022-01-01T00:00:00.000+00:00";
    importer.run("IncrementalLoad", new Input("Patient", file("Ends.ndjson",
        patient("a", "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2020-01-01T00:00:00.000+00:00\"},", "One"),
        patient("a", "\"meta\":{\"versionId\":\"3\",\"lastUpdated\":\"" + third + "\"},", "Three"))));

    importer.run("IncrementalLoad", new Input("Patient", file("Middle.ndjson",
        patient("a", "\"meta\":{\"versionId\":\"2\"},", "Two"))));

    assertThat(history("a")).containsExactly("3", "2", "1");
    Patient second = client.read().resource(Patient.class)
        .withId(new org.hl7.fhir.r4.model.IdType("Patient", id("a"), "2")).execute();
    assertThat(second.getMeta().getLastUpdatedElement().getValueAsString()).isEqualTo(third);
  }

  @Test
  void aLineNamingAStoredVersionWithOtherContentFailsAsAConflict() {
    String meta = "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2020-01-01T00:00:00.000+00:00\"},";
    importer.run("IncrementalLoad", new Input("Patient", file("Stored.ndjson", patient("a", meta, "One"))));
    String url = file("Other.ndjson", patient("a", meta, "Changed"));

    JsonNode manifest = importer.run("IncrementalLoad", new Input("Patient", url));

    assertThat(Importer.count(manifest, url)).isZero();
    assertThat(importer.errors(manifest, url)).singleElement().satisfies(outcome -> {
      assertThat(outcome.path("issue").get(0).path("code").asText()).isEqualTo("conflict");
      assertThat(outcome.path("issue").get(0).path("diagnostics").asText()).isEqualTo(lineOf(1, url)
          + ": Version 1 is stored already, with other content: a stored version does not change (leave out"
          + " meta.versionId to import the change as a new version).");
    });
    assertThat(client.read().resource(Patient.class).withId(id("a")).execute().getNameFirstRep()
        .getGivenAsSingleString()).isEqualTo("One");
  }

  @Test
  void aVersionDatedBeforeALowerOneFailsItsLineNamingBothWhileTheOtherLinesAreImported() {
    String url = file("Backwards.ndjson",
        patient("a", "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2021-01-01T00:00:00.000+00:00\"},", "One"),
        patient("a", "\"meta\":{\"versionId\":\"2\",\"lastUpdated\":\"2020-01-01T00:00:00.000+00:00\"},", "Two"),
        patient("b", "", "Other"));

    JsonNode manifest = importer.run("IncrementalLoad", new Input("Patient", url));

    assertThat(Importer.count(manifest, url)).isEqualTo(2);
    assertThat(importer.errors(manifest, url)).singleElement().satisfies(outcome -> {
      assertThat(outcome.path("issue").get(0).path("code").asText()).isEqualTo("business-rule");
      assertThat(outcome.path("issue").get(0).path("diagnostics").asText()).isEqualTo(lineOf(2, url)
          + ": Version 2 is dated 2020-01-01T00:00:00.000+00:00, before version 1 (2021-01-01T00:00:00.000+00:00):"
          + " the versions of a resource follow each other in time.");
    });
    assertThat(history("a")).containsExactly("1");
    assertThat(history("b")).containsExactly("1");
  }

  @Test
  void aLineWithALastUpdatedButNoVersionIsTheNextVersionAtThatTimeWhenItIsLater() {
    importer.run("IncrementalLoad", new Input("Patient", file("Stored.ndjson",
        patient("a", "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2020-01-01T00:00:00.000+00:00\"},", "One"),
        patient("b", "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2020-01-01T00:00:00.000+00:00\"},", "One"))));
    java.time.Instant before = java.time.Instant.now();

    importer.run("IncrementalLoad", new Input("Patient", file("Dated.ndjson",
        patient("a", "\"meta\":{\"lastUpdated\":\"2021-06-01T12:00:00.000+00:00\"},", "Later"),
        patient("b", "\"meta\":{\"lastUpdated\":\"2019-06-01T12:00:00.000+00:00\"},", "Earlier"))));

    Patient a = client.read().resource(Patient.class).withId(id("a")).execute();
    assertThat(a.getMeta().getVersionId()).isEqualTo("2");
    assertThat(a.getMeta().getLastUpdatedElement().getValueAsString()).isEqualTo("2021-06-01T12:00:00.000+00:00");
    Patient b = client.read().resource(Patient.class).withId(id("b")).execute();
    assertThat(b.getMeta().getVersionId()).isEqualTo("2");
    assertThat(b.getMeta().getLastUpdated().toInstant()).as("earlier than version 1: stored now")
        .isAfterOrEqualTo(before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    assertThat(history("a")).containsExactly("2", "1");
    assertThat(history("b")).containsExactly("2", "1");
  }

  @Test
  void referencesHoldAcrossInputsInAnyOrderAndAReferenceToNothingFailsItsLineAndTheLinesThatNeedIt() {
    String observations = file("Observation.ndjson",
        observation("o1", "Patient/" + id("p"), null),
        observation("o2", "Patient/" + id("missing"), null));
    String reports = file("DiagnosticReport.ndjson", "{\"resourceType\":\"DiagnosticReport\",\"id\":\"" + id("r")
        + "\",\"status\":\"final\",\"code\":{\"text\":\"r\"},\"result\":[{\"reference\":\"Observation/" + id("o2")
        + "\"}]}");
    String patients = file("Patients.ndjson", patient("p", "", "Target"));

    JsonNode manifest = importer.run(null, new Input("Observation", observations),
        new Input("DiagnosticReport", reports), new Input("Patient", patients));

    assertThat(Importer.count(manifest, observations)).isEqualTo(1);
    assertThat(Importer.count(manifest, patients)).isEqualTo(1);
    assertThat(importer.diagnostics(manifest, observations)).containsExactly("Line 2 of " + observations
        + ": The reference Patient/" + id("missing") + " names no resource on this server nor in this import.");
    assertThat(importer.diagnostics(manifest, reports)).containsExactly("Line 1 of " + reports
        + ": The reference Observation/" + id("o2") + " names a resource of this import whose line failed.");
    assertThat(searchIds("Observation?subject=Patient/" + id("p"))).containsExactly(id("o1"));
    assertThat(server.http().get("/fhir/Observation/" + id("o2")).status()).isEqualTo(404);
  }

  @Test
  void conditionalReferencesFindTheResourcesOfTheWholeImportAndWaitForInputsNotReadYet() {
    String observations = file("Conditional.ndjson",
        observation("o1", "Patient?identifier=urn:test|" + run, "Encounter?identifier=urn:test|e-" + run),
        observation("o2", "Patient?identifier=urn:test|nobody-" + run, null));
    String encounters = file("Encounter.ndjson", "{\"resourceType\":\"Encounter\",\"id\":\"" + id("e")
        + "\",\"identifier\":[{\"system\":\"urn:test\",\"value\":\"e-" + run + "\"}],\"status\":\"finished\","
        + "\"class\":{\"code\":\"AMB\"}}");
    String patients = file("Identified.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"" + id("p")
        + "\",\"identifier\":[{\"system\":\"urn:test\",\"value\":\"" + run + "\"}]}");

    JsonNode manifest = importer.run(null, new Input("Observation", observations), new Input("Encounter", encounters),
        new Input("Patient", patients));

    Observation o1 = client.read().resource(Observation.class).withId(id("o1")).execute();
    assertThat(o1.getSubject().getReference()).isEqualTo("Patient/" + id("p"));
    assertThat(o1.getEncounter().getReference()).isEqualTo("Encounter/" + id("e"));
    assertThat(importer.diagnostics(manifest, observations)).containsExactly("Line 2 of " + observations
        + ": The conditional reference 'Patient?identifier=urn:test|nobody-" + run + "' matches no Patient.");
  }

  @Test
  void referencesToNothingGetPlaceholdersWhenTheNodeAskedMakesThem() {
    String url = file("Placeholders.ndjson",
        observation("o1", "Patient?identifier=urn:test|placeholder-" + run, "Encounter/" + id("never")));

    JsonNode manifest;
    try (TestServer placeholders = TestServer.onStore(server, server.config().toBuilder()
        .bundleMaxEntries(100).bundleMaxBytes(1 << 20).referentialIntegrity(ServerConfig.ReferentialIntegrity.ENFORCE)
        .missingReferences(ServerConfig.MissingReferences.PLACEHOLDER).build())) {
      manifest = new Importer(placeholders).run(null, new Input("Observation", url));
    }

    assertThat(manifest.path("error")).isEmpty();
    Observation o1 = client.read().resource(Observation.class).withId(id("o1")).execute();
    Patient placeholder = client.read().resource(Patient.class)
        .withId(o1.getSubject().getReferenceElement().getIdPart()).execute();
    assertThat(placeholder.getIdentifierFirstRep().getValue()).isEqualTo("placeholder-" + run);
    assertThat(placeholder.getMeta().getTag("https://brazier.io/fhir/tag", "placeholder")).isNotNull();
    assertThat(server.http().get("/fhir/Encounter/" + id("never")).status()).isEqualTo(200);
  }

  @Test
  void aGzipInputIsReadOverLoopbackHttpThroughARedirect() {
    gzip("Patient.ndjson.gz", patient("a", "", "Zipped"), patient("b", "", "Zipped"));
    String url = loopback.url("moved/" + run + "-Patient.ndjson.gz");

    JsonNode manifest = importer.run(null, new Input("Patient", url));

    assertThat(Importer.count(manifest, url)).isEqualTo(2);
    assertThat(searchIds("Patient?given=Zipped&family=" + run)).containsExactlyInAnyOrder(id("a"), id("b"));
  }

  /** A file's ETag is its version as {@link UnchangedFile} takes it, as a blob's or an http(s) input's is theirs. */
  @Test
  void aFileInputWithItsEtagIsImportedAndOneWhoseEtagIsAnotherIsRefused() throws IOException {
    String url = file("Tagged.ndjson", patient("a", "", "Tagged"));
    String etag = UnchangedFile.version(folder.resolve(run + "-Tagged.ndjson"));

    JsonNode manifest = importer.run(null, new Input("Patient", url, "W/" + etag));

    assertThat(Importer.count(manifest, url)).isEqualTo(1);
    assertThat(searchIds("Patient?given=Tagged&family=" + run)).containsExactly(id("a"));
    Files.writeString(folder.resolve(run + "-Tagged.ndjson"), patient("b", "", "Tagged") + "\n",
        StandardOpenOption.APPEND);
    refused(412, "The input " + url + " has ETag " + UnchangedFile.version(folder.resolve(run + "-Tagged.ndjson"))
        + ", not " + etag + ".", new Input("Patient", url, etag));
  }

  @Test
  void anInputWhoseServerIsBusyForAMomentIsReadAgainWhole() {
    file("Busy.ndjson", patient("a", "", "Busy"), patient("b", "", "Busy"));
    String url = loopback.url("busy/" + run + "-Busy.ndjson");

    JsonNode manifest = importer.run(null, new Input("Patient", url));

    assertThat(importer.diagnostics(manifest, url)).isEmpty();
    assertThat(Importer.count(manifest, url)).isEqualTo(2);
    assertThat(searchIds("Patient?given=Busy&family=" + run)).containsExactlyInAnyOrder(id("a"), id("b"));
  }

  @Test
  void aSignedInputKeepsItsSignatureOutOfTheLogAndTheFailuresWhileItsManifestEntryIsTheUrlAsSent()
      throws InterruptedException {
    file("Signed.ndjson", patient("a", "", "Signed"), "{\"resourceType\":\"Patient\",");
    String url = loopback.url("busy/" + run + "-Signed.ndjson?sv=2022-11-02&sp=r&sig=secret");
    String shown = loopback.url("busy/" + run + "-Signed.ndjson?sv=REDACTED&sp=REDACTED&sig=REDACTED");
    JsonNode manifest;
    List<String> logged;

    try (Warnings warnings = Warnings.from("io.brazier")) {
      manifest = importer.run(null, new Input("Patient", url));
      assertThat(warnings.await(ImportReader.class.getName(), Duration.ofSeconds(5))).as("the read failed").isTrue();
      logged = warnings.messages();
    }
    var refused = server.http().refused(400, "POST", "/fhir/$import", Importer.parameters(null,
        new Input("Patient", url.replace("busy/", "missing/"))), "Prefer", "respond-async");

    assertThat(logged).noneMatch(message -> message.contains("secret"))
        .anyMatch(message -> message.contains(shown));
    assertThat(Importer.count(manifest, url)).isEqualTo(1);
    assertThat(importer.diagnostics(manifest, url)).singleElement().asString().startsWith(lineOf(2, shown) + ": ");
    assertThat(refused.getIssueFirstRep().getDiagnostics()).contains("sig=REDACTED").doesNotContain("secret");
  }

  @Test
  void anInputReplacedWhileItIsReadFailsWhereItBrokeOffRatherThanGoOnWithTheLinesOfItsNewVersion() {
    String[] first = new String[10];
    String[] next = new String[12];
    for (int line = 0; line < next.length; line++) {
      next[line] = patient("next" + line, "", "Replaced");
      if (line < first.length) {
        first[line] = patient("first" + line, "", "Replaced");
      }
    }
    file("Replaced.ndjson", first);
    file("Replaced.ndjson.next", next);
    String url = loopback.url("replaced/" + run + "-Replaced.ndjson");

    JsonNode manifest = importer.run(null, new Input("Patient", url));

    List<String> imported = searchIds("Patient?given=Replaced&family=" + run);
    assertThat(imported).isNotEmpty().allMatch(id -> id.startsWith(id("first")));
    assertThat(Importer.count(manifest, url)).isEqualTo(imported.size());
    assertThat(importer.diagnostics(manifest, url)).singleElement().asString()
        .startsWith(lineOf(imported.size() + 1, url)).contains("changed while it was read");
  }

  @Test
  void anImportCancelledWhileItReadsALineThatNeverEndsStopsReadingIt() {
    String url = loopback.url("endless/" + run + "-Endless.ndjson");
    int started = loopback.endlessStarted();
    String status = importer.status(importer.start(Importer.parameters(null, new Input("Patient", url))));
    await("the import to read the line", () -> loopback.endlessStarted() == started + 2
        && loopback.endlessSending() == 1);

    assertThat(server.http().send("DELETE", status, null).status()).isEqualTo(202);

    await("the import to stop reading", () -> loopback.endlessSending() == 0);
  }

  private static void await(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Importer.sleep(100);
    }
  }

  @Test
  void eachBadLineFailsAloneNamingItsInputAndLineWhileTheOthersAreImported() {
    String url = file("Bad.ndjson",
        patient("good1", "", "Good"),
        "{\"resourceType\":\"Patient\",",
        "[1, 2]",
        "",
        "{\"resourceType\":\"Observation\",\"id\":\"" + id("wrong") + "\",\"status\":\"final\",\"code\":{}}",
        "{\"resourceType\":\"Patient\",\"id\":\"" + id("invalid") + "\",\"gender\":\"robot\"}",
        "{\"resourceType\":\"Patient\",\"id\":\"" + id("unknown") + "\",\"colour\":\"blue\"}",
        "{\"resourceType\":\"Patient\",\"id\":\"bad id!\"}",
        "{\"resourceType\":\"Patient\",\"id\":\"" + id("version") + "\",\"meta\":{\"versionId\":\"two\"}}",
        "{\"resourceType\":\"Patient\",\"id\":\"" + id("updated") + "\",\"meta\":{\"lastUpdated\":\"yesterday\"}}",
        patient("good2", "", "Good"));

    JsonNode manifest = importer.run(null, new Input("Patient", url));

    assertThat(Importer.count(manifest, url)).isEqualTo(2);
    List<String> diagnostics = importer.diagnostics(manifest, url);
    assertThat(diagnostics).hasSize(8);
    assertThat(diagnostics).extracting(d -> d.substring(0, d.indexOf(':', d.indexOf(url) + url.length())))
        .containsExactly(lineOf(2, url), lineOf(3, url), lineOf(5, url), lineOf(6, url), lineOf(7, url),
            lineOf(8, url), lineOf(9, url), lineOf(10, url));
    assertThat(diagnostics.get(0)).contains("The line is not valid JSON");
    assertThat(diagnostics.get(2)).contains("The line is an Observation, but its input holds Patient");
    assertThat(diagnostics.get(4)).contains("colour");
    assertThat(diagnostics.get(6)).contains("meta.versionId");
    assertThat(searchIds("Patient?given=Good&family=" + run)).containsExactlyInAnyOrder(id("good1"), id("good2"));
  }

  @Test
  void aFileThatIsNotNdjsonFailsOnceAndIsNotReadFurther() {
    String url = file("Pretty.json", "{", "  \"resourceType\": \"Patient\",", "  \"id\": \"x\"", "}");

    JsonNode manifest = importer.run(null, new Input("Patient", url));

    assertThat(Importer.count(manifest, url)).isZero();
    assertThat(importer.diagnostics(manifest, url)).singleElement().asString().startsWith(lineOf(1, url));
  }

  @Test
  void aBadFirstLineFailsAloneWhenTheLinesAfterItAreNdjson() {
    String url = file("BadStart.ndjson", "{\"resourceType\":\"Patient\",\"id\":", patient("a", "", "BadStart"),
        patient("b", "", "BadStart"));

    JsonNode manifest = importer.run(null, new Input("Patient", url));

    assertThat(Importer.count(manifest, url)).isEqualTo(2);
    assertThat(importer.diagnostics(manifest, url)).singleElement().asString().startsWith(lineOf(1, url));
  }

  @Test
  void aTruncatedGzipImportsTheLinesBeforeTheCutAndSaysWhereItBroke() throws IOException {
    byte[] noise = new byte[15_000];
    new java.util.Random(7).nextBytes(noise);
    Path whole = gzip("Cut.ndjson.gz", patient("a", "", "Cut"), patient("b", "", "Cut"),
        patient("c", "", "Cut" + java.util.Base64.getEncoder().encodeToString(noise)));
    byte[] bytes = Files.readAllBytes(whole);
    Files.write(whole, java.util.Arrays.copyOf(bytes, bytes.length - 200));
    String url = whole.toUri().toString();

    JsonNode manifest = importer.run(null, new Input("Patient", url));

    assertThat(searchIds("Patient?given=Cut&family=" + run)).containsExactlyInAnyOrder(id("a"), id("b"));
    assertThat(importer.diagnostics(manifest, url)).singleElement().asString()
        .startsWith(lineOf(3, url)).contains("ended in the middle of its gzip stream");
  }

  @Test
  void aGzipJoinedToLinesThatAreNoGzipImportsItsOwnAndFailsWhereTheyStart() throws IOException {
    Path zipped = gzip("Joined.ndjson.gz", patient("a", "", "Joined"), patient("b", "", "Joined"));
    Files.writeString(zipped, patient("c", "", "Joined") + "\n", StandardOpenOption.APPEND);
    String url = zipped.toUri().toString();

    JsonNode manifest = importer.run(null, new Input("Patient", url));

    assertThat(searchIds("Patient?given=Joined&family=" + run)).containsExactlyInAnyOrder(id("a"), id("b"));
    assertThat(importer.diagnostics(manifest, url)).containsExactly(lineOf(3, url) + ": The input could not be read"
        + " after line 2: its gzip stream is followed by bytes that start no other gzip stream");
  }

  @Test
  void aGzipCutBeforeItsFirstLineSaysSo() throws IOException {
    byte[] noise = new byte[15_000];
    new java.util.Random(7).nextBytes(noise);
    Path whole = gzip("CutFirst.ndjson.gz", patient("a", "", java.util.Base64.getEncoder().encodeToString(noise)));
    byte[] bytes = Files.readAllBytes(whole);
    Files.write(whole, java.util.Arrays.copyOf(bytes, bytes.length - 200));
    String url = whole.toUri().toString();

    JsonNode manifest = importer.run(null, new Input("Patient", url));

    assertThat(Importer.count(manifest, url)).isZero();
    assertThat(importer.diagnostics(manifest, url)).singleElement().asString()
        .startsWith(lineOf(1, url)).contains("ended in the middle of its gzip stream, before its first line");
  }

  @Test
  void aFileAsEditorsWriteItImportsWholeAndAnEmptyFileImportsNothing() throws IOException {
    String url = file("Edited.ndjson", "\uFEFF" + patient("a", "", "Edited") + "\r", "", "  \r",
        patient("b", "", "Edited") + "\r", "");
    String empty = Files.write(folder.resolve(run + "-Empty.ndjson"), new byte[0]).toUri().toString();

    JsonNode manifest = importer.run(null, new Input("Patient", url), new Input("Patient", empty));

    assertThat(Importer.count(manifest, url)).isEqualTo(2);
    assertThat(Importer.count(manifest, empty)).isZero();
    assertThat(manifest.path("error")).isEmpty();
    assertThat(searchIds("Patient?given=Edited&family=" + run)).containsExactlyInAnyOrder(id("a"), id("b"));
  }

  @Test
  void theLogNamesEachPhaseOfAnImportAsItStartsIt() {
    String url = file("Logged.ndjson", patient("a", "", "Logged"));
    try (LogLines log = LogLines.from(ImportRun.class)) {
      String status = importer.status(importer.start(Importer.parameters(null, new Input("Patient", url))));
      importer.await(status);
      String job = status.substring(status.lastIndexOf('/') + 1);

      assertThat(log.containing("id=" + job)).extracting(ILoggingEvent::getFormattedMessage)
          .filteredOn(line -> line.startsWith("Import phase=")).map(line -> line.split(" ")[1])
          .containsExactly("phase=stage", "phase=defer", "phase=check", "phase=merge", "phase=index");
    }
  }

  @Test
  void anEndedImportIsNotCancelledAfterwardsAndKeepsItsManifest() {
    String url = file("Ended.ndjson", patient("a", "", "Ended"));
    String status = importer.status(importer.start(Importer.parameters(null, new Input("Patient", url))));
    importer.await(status);

    var outcome = server.http().refused(409, "DELETE", status, (byte[]) null);

    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("has ended (done)");
    JsonNode manifest = Importer.manifest(server.http().get(status));
    assertThat(manifest.has("cancelled")).isFalse();
    assertThat(Importer.count(manifest, url)).isEqualTo(1);
    server.http().refused(404, "GET", status + "/errors-99999999999.ndjson", (byte[]) null);
  }

  @Test
  void aKickOffThatCannotBeRunIsRefusedWithItsStatusAndNothingIsWritten() {
    String patients = file("Refused.ndjson", patient("a", "", "Refused"));
    client.create().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily(run))).execute();
    Http http = server.http();

    http.refused(400, "POST", "/fhir/$import", Importer.parameters(null, new Input("Patient", patients)));
    refused(400, "--import-hosts", new Input("Patient", "http://example.org/Patient.ndjson"));
    refused(400, "is outside --import-dir", new Input("Patient", "file:///etc/passwd"));
    refused(400, "no ..", new Input("Patient", folder.toUri() + "../x/Patient.ndjson"));
    refused(400, "not a readable file", new Input("Patient", folder.resolve("missing.ndjson").toUri().toString()));
    refused(400, "answered 404", new Input("Patient", loopback.url("missing.ndjson")));
    String down = loopback.url("failing/" + run + "-Refused.ndjson?sig=secret");
    assertThat(http.refused(502, "POST", "/fhir/$import", Importer.parameters(null, new Input("Patient", down)),
        "Prefer", "respond-async").getIssueFirstRep()).satisfies(issue -> {
          assertThat(issue.getCode()).isEqualTo(OperationOutcome.IssueType.TRANSIENT);
          assertThat(issue.getDiagnostics()).isEqualTo("The input " + down.replace("secret", "REDACTED")
              + " answered 500: its server failed, not this request; try again later.");
        });
    refused(400, "list localhost:", new Input("Patient", loopback.url("elsewhere/" + run + "-Refused.ndjson")));
    refused(400, "no resource type", new Input("Patients", patients));
    refused(400, "listed twice", new Input("Patient", patients), new Input("Patient", patients));
    for (String variant : List.of(patients + "?copy=2", patients + "#copy")) {
      refused(400, "The input " + variant.replace("=2", "=REDACTED") + " has a query or a fragment",
          new Input("Patient", patients), new Input("Patient", variant));
    }
    refused(412, "The input " + patients + " has ETag ", new Input("Patient", patients, "\"1\""));
    refused(400, "at least one input");
    http.refused(400, "POST", "/fhir/$import", Importer.parameters("Sometime", new Input("Patient", patients)),
        "Prefer", "respond-async");
    http.refused(400, "POST", "/fhir/$import", Importer.parameters(null, new Input("Patient", patients))
        .replace("application/fhir+ndjson", "text/csv"), "Prefer", "respond-async");
    assertThat(http.refused(400, "POST", "/fhir/$import", Importer.parameters("InitialLoad",
        new Input("Patient", patients)).replace("\"mode\"", "\"Mode\""), "Prefer", "respond-async")
        .getIssueFirstRep().getDiagnostics()).contains("no parameter Mode");
    assertThat(http.refused(400, "POST", "/fhir/$import", Importer.parameters(null, new Input("Patient", patients,
        "\"1\"")).replace("\"etag\"", "\"etg\""), "Prefer", "respond-async").getIssueFirstRep().getDiagnostics())
        .contains("no part etg");
    assertThat(http.refused(409, "POST", "/fhir/$import", Importer.parameters("InitialLoad",
        new Input("Patient", patients)), "Prefer", "respond-async").getIssueFirstRep().getDiagnostics())
        .contains("Patient holds some");
    assertThat(server.http().get("/fhir/Patient/" + id("a")).status()).isEqualTo(404);
  }

  /**
   * Two URLs of one file, however spelt, or through a symbolic link, are one input listed twice: its lines would be
   * imported twice.
   */
  @Test
  void twoUrlsOfOneFileAreRefusedAsOneInputListedTwice() throws IOException {
    String url = file("Twin.ndjson", patient("a", "", "Twin"));
    String name = run + "-Twin.ndjson";
    Path path = folder.resolve(name);
    Path linked = Files.createSymbolicLink(folder.resolve(run + "-Linked.ndjson"), path);

    for (String other : List.of("file:" + path, "file://localhost" + path, "file://" + folder + "/./" + name,
        "file://" + folder + "//" + name, "file://" + folder + "/%" + Integer.toHexString(name.charAt(0))
            + name.substring(1), linked.toUri().toString())) {
      refused(400, "The input " + other + " is the input " + url + " again, by another URL: list it once.",
          new Input("Patient", url), new Input("Patient", other));
    }
  }

  /**
   * A hard link in the folder may lead to a file anywhere on the file system: a file of several links is refused,
   * with what to do instead.
   */
  @Test
  void aFileOfSeveralHardLinksIsRefusedSayingToImportACopy() throws IOException {
    String url = file("Hard.ndjson", patient("a", "", "Hard"));
    Path hard = Files.createLink(folder.resolve(run + "-HardToo.ndjson"), folder.resolve(run + "-Hard.ndjson"));

    for (String each : List.of(url, hard.toUri().toString())) {
      refused(400, "The input " + each + " has 2 hard links: the others may be outside --import-dir, which this"
          + " server cannot check. Import a copy of the file (cp, not ln).", new Input("Patient", each));
    }
  }

  @Test
  void anInitialLoadOfOneIdOnLinesOfTwoInputsStoresTheLastLineAsItsOneVersion() {
    String first = file("Substances1.ndjson", substance("a", "First"), substance("a", "Second"));
    String second = file("Substances2.ndjson", substance("a", "Last"));

    JsonNode manifest = importer.run("InitialLoad", new Input("Substance", first), new Input("Substance", second));

    assertThat(manifest.path("error")).isEmpty();
    assertThat(Importer.count(manifest, first)).isEqualTo(2);
    assertThat(Importer.written(manifest, first)).isZero();
    assertThat(Importer.written(manifest, second)).isEqualTo(1);
    List<String> stored = client.history().onInstance("Substance/" + id("a")).returnBundle(Bundle.class).execute()
        .getEntry().stream().map(entry -> ((org.hl7.fhir.r4.model.Substance) entry.getResource()).getCode()
            .getText() + " " + entry.getResource().getMeta().getVersionId()).toList();
    assertThat(stored).containsExactly("Last 1");
  }

  @Test
  void anInitialLoadIntoATypeWhoseResourcesWereAllDeletedIsRefusedSayingThatDeletedOnesCount() {
    String basics = file("Basic.ndjson", "{\"resourceType\":\"Basic\",\"id\":\"" + id("b")
        + "\",\"code\":{\"text\":\"" + run + "\"}}");
    IIdType created = client.create().resource(new Basic().setCode(new CodeableConcept().setText(run))).execute()
        .getId();
    client.delete().resourceById(created.toUnqualifiedVersionless()).execute();

    assertThat(server.http().refused(409, "POST", "/fhir/$import", Importer.parameters("InitialLoad",
        new Input("Basic", basics)), "Prefer", "respond-async").getIssueFirstRep().getDiagnostics())
        .contains("deleted ones included").contains("Basic holds some");
  }

  private void refused(int status, String says, Input... inputs) {
    var outcome = server.http().refused(status, "POST", "/fhir/$import", Importer.parameters(null, inputs),
        "Prefer", "respond-async");
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains(says);
  }

  @Test
  void aCancelledImportStopsAndItsResultSaysWhatItImportedWhichStays() {
    String[] lines = new String[30_000];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = patient("n" + i, "", "Many");
    }
    String url = file("Many.ndjson", lines);
    String status = importer.status(importer.start(Importer.parameters(null, new Input("Patient", url))));
    importer.pollUntil(status, polled -> polled.header("X-Progress").orElse("").matches("merging: [1-9][0-9]* of .*"));

    Http.Response cancelled = server.http().send("DELETE", status, null);
    JsonNode manifest = Importer.manifest(importer.await(status));
    Importer.sleep(500);
    Http.Response later = server.http().get(status);

    assertThat(cancelled.status()).isEqualTo(202);
    assertThat(manifest.path("cancelled").asBoolean()).isTrue();
    long imported = Importer.count(manifest, url);
    assertThat(imported).isBetween(1L, 29_999L);
    assertThat(Importer.written(manifest, url)).isEqualTo(imported);
    assertThat(count("Patient?given=Many&family=" + run)).isEqualTo(imported);
    assertThat(Importer.count(Importer.manifest(later), url)).as("nothing is merged after the cancel")
        .isEqualTo(imported);
    assertThat(server.http().refused(409, "DELETE", status, (byte[]) null).getIssueFirstRep().getDiagnostics())
        .contains("has ended (cancelled)");
  }

  @Test
  void theSameKickOffSentToTwoNodesAtOnceStartsOneJobAndAnotherOnceThatJobHasEnded() throws Exception {
    Input input = new Input("Patient", file("Retried.ndjson", patient("a", "", "Retried")));
    // The same request, written two ways: the mode spelt in lower case, and left to its default.
    List<String> asked = List.of(Importer.parameters("incrementalload", input), Importer.parameters(null, input));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (TestServer other = server.secondNode(server.config(), List.of(nodes, meeting))) {
      CyclicBarrier start = new CyclicBarrier(2);
      nodes.reset();
      meeting.expect(2);
      List<Future<String>> jobs = pool.invokeAll(Stream.of(0, 1).<Callable<String>>map(i -> () -> {
        start.await();
        return job((i == 0 ? server : other).http().post("/fhir/$import", asked.get(i), "Prefer", "respond-async"));
      }).toList());
      meeting.expect(0);
      String first = jobs.get(0).get();
      importer.await("/fhir/_async/" + first);

      String afterItEnded = job(importer.start(asked.get(1)));

      assertThat(nodes.mostAtOnce()).as("kick-offs the two nodes answered at once").isEqualTo(2);
      assertThat(jobs.get(1).get()).as("the other node's job").isEqualTo(first);
      assertThat(afterItEnded).as("a kick-off after the job ended").isNotEqualTo(first);
      importer.await("/fhir/_async/" + afterItEnded);
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aKickOffRetriedWhileItsInitialLoadRunsGetsItsJobAndOnceCancelledIsRefusedAsTheTypeHoldsSome() {
    String[] lines = new String[30_000];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = "{\"resourceType\":\"Device\",\"id\":\"" + id("d" + i) + "\"}";
    }
    String parameters = Importer.parameters("InitialLoad", new Input("Device", file("Devices.ndjson", lines)));
    String status = importer.status(importer.start(parameters));
    importer.pollUntil(status, polled -> polled.header("X-Progress").orElse("").matches("merging: [1-9][0-9]* of .*"));

    String retried = importer.status(importer.start(parameters));
    server.http().send("DELETE", status, null);
    JsonNode cancelled = Importer.manifest(importer.await(status));
    var again = server.http().refused(409, "POST", "/fhir/$import", parameters, "Prefer", "respond-async");

    assertThat(retried).as("the retried kick-off's job").isEqualTo(status);
    assertThat(cancelled.path("cancelled").asBoolean()).isTrue();
    assertThat(again.getIssueFirstRep().getDiagnostics()).as("a kick-off after the job was cancelled")
        .contains("Device holds some");
  }

  @Test
  void aKickOffRetriedWhileItsJobRunsGetsThatJobThoughItsInputIsGoneSince() throws IOException {
    String[] lines = new String[30_000];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = patient("g" + i, "", "Gone");
    }
    String parameters = Importer.parameters(null, new Input("Patient", file("Gone.ndjson", lines)));
    String status = importer.status(importer.start(parameters));
    importer.pollUntil(status, polled -> polled.header("X-Progress").orElse("").matches("merging: [1-9][0-9]* of .*"));

    Files.delete(folder.resolve(run + "-Gone.ndjson"));
    Http.Response retried = server.http().post("/fhir/$import", parameters, "Prefer", "respond-async");
    server.http().send("DELETE", status, null);
    importer.await(status);

    assertThat(retried.status()).as(retried.body()).isEqualTo(202);
    assertThat(importer.status(retried)).as("the retried kick-off's job").isEqualTo(status);
  }

  /** The id of the job a kick-off started (or answered with). */
  private static String job(Http.Response started) {
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String location = started.header("Content-Location").orElseThrow();
    return location.substring(location.indexOf("/_async/") + "/_async/".length());
  }

  private String id(String name) {
    return run + "-" + name;
  }

  private String patient(String name, String meta, String given) {
    return "{\"resourceType\":\"Patient\",\"id\":\"" + id(name) + "\"," + meta + "\"name\":[{\"family\":\"" + run
        + "\",\"given\":[\"" + given + "\"]}]}";
  }

  private String observation(String name, String subject, String encounter) {
    return "{\"resourceType\":\"Observation\",\"id\":\"" + id(name) + "\",\"status\":\"final\",\"code\":{\"text\":\""
        + run + "\"},\"subject\":{\"reference\":\"" + subject + "\"}"
        + (encounter == null ? "" : ",\"encounter\":{\"reference\":\"" + encounter + "\"}") + "}";
  }

  private String substance(String name, String text) {
    return "{\"resourceType\":\"Substance\",\"id\":\"" + id(name) + "\",\"code\":{\"text\":\"" + text + "\"}}";
  }

  private static String lineOf(int line, String url) {
    return "Line " + line + " of " + url;
  }

  /** Writes an NDJSON file of this test into the import folder; its file: URL. */
  private String file(String name, String... lines) {
    return Importer.ndjson(folder.resolve(run + "-" + name), List.of(lines));
  }

  private Path gzip(String name, String... lines) {
    Path file = folder.resolve(run + "-" + name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private List<String> history(String name) {
    return client.history().onInstance("Patient/" + id(name)).returnBundle(Bundle.class).execute().getEntry()
        .stream().map(entry -> entry.getResource().getMeta().getVersionId()).toList();
  }

  /** The response status of each version in the resource's history, newest first. */
  private List<String> statuses(String name) {
    return client.history().onInstance("Patient/" + id(name)).returnBundle(Bundle.class).execute().getEntry()
        .stream().map(entry -> entry.getResponse().getStatus()).toList();
  }

  private List<String> searchIds(String query) {
    return client.search().byUrl(query + "&_count=100").returnBundle(Bundle.class).execute().getEntry().stream()
        .map(entry -> entry.getResource().getIdElement().getIdPart()).toList();
  }

  private long count(String query) {
    return client.search().byUrl(query + "&_summary=count").returnBundle(Bundle.class).execute().getTotal();
  }
}
