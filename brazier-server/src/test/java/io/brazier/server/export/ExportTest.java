package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import com.fasterxml.jackson.databind.JsonNode;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import io.brazier.server.Http;
import io.brazier.server.ExportConfig;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export kick-off: what it accepts (202 and where to poll) and every parameter it refuses, each with its status
 * and an OperationOutcome that says what to fix. The server has a database of its own, so that the exports it
 * accepts are the only ones counted against {@code --export-max-running}.
 */
class ExportTest {
  private static final int MAX_RUNNING = 3;

  @TempDir
  static Path dir;
  private static TestServer server;
  private static Http http;
  private static Exporter exporter;
  private static String patient;

  @BeforeAll
  static void start() {
    server = TestServer.start(dir.resolve("db"), ServerConfig.builder().exports(ExportConfig.builder()
        .dir(dir.resolve("export")).maxRunning(MAX_RUNNING).ttl(Duration.ofHours(1)).page(500).build()).build());
    http = server.http();
    exporter = new Exporter(server);
    patient = server.client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    server.http().put("/fhir/Group/g1", "{\"resourceType\":\"Group\",\"id\":\"g1\",\"type\":\"person\","
        + "\"actual\":true,\"member\":[{\"entity\":{\"reference\":\"Patient/" + patient + "\"}}]}");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theHapiClientKicksOffAnExportAndIsToldWhereToPoll() {
    MethodOutcome started = server.client().operation().onServer().named("$export")
        .withNoParameters(Parameters.class).useHttpGet().withAdditionalHeader("Prefer", "respond-async")
        .returnMethodOutcome().execute();

    assertThat(started.getResponseStatusCode()).isEqualTo(202);
    String status = started.getFirstResponseHeader("Content-Location").orElseThrow();
    assertThat(status).startsWith(server.baseUrl() + "/_async/");
    assertThat(exporter.await(Exporter.path(status)).status()).isEqualTo(200);
  }

  @Test
  void theCapabilityStatementSaysItIsABulkDataServerWithTheThreeExports() {
    CapabilityStatement capabilities = server.client().capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(capabilities.getInstantiates()).extracting(CanonicalType::getValue)
        .contains("http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data");
    assertThat(capabilities.getRestFirstRep().getOperation()).extracting(operation -> operation.getDefinition())
        .contains("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export");
    assertThat(capabilities.getRestFirstRep().getResource()).filteredOn(resource -> resource.getType()
        .equals("Group")).singleElement().satisfies(group -> assertThat(group.getOperation())
        .extracting(operation -> operation.getDefinition())
        .contains("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export"));
  }

  @Test
  void withoutPreferRespondAsyncTheKickOffIsRefusedSayingSo() {
    assertThatThrownBy(() -> server.client().operation().onServer().named("$export")
        .withNoParameters(Parameters.class).useHttpGet().execute())
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(outcome(e).getIssueFirstRep()
            .getDiagnostics()).contains("Prefer: respond-async"));
  }

  @Test
  void theThreeNamesOfNdjsonAreAcceptedAndAnyOtherFormatIsRefused() {
    for (String format : List.of("application/fhir%2Bndjson", "application/ndjson", "ndjson")) {
      accepted("/fhir/$export?_type=Patient&_outputFormat=" + format);
    }

    assertThat(refused(400, "/fhir/$export?_outputFormat=text/csv")).contains("_outputFormat 'text/csv'");
  }

  @Test
  void anUnknownTypeIsRefusedUnlessTheClientIsLenientAndThenReported() {
    assertThat(refused(400, "/fhir/$export?_type=Patient,Spaceship")).contains("Spaceship");

    Http.Response lenient = http.get("/fhir/$export?_type=Patient,Spaceship", "Prefer",
        "respond-async, handling=lenient");

    assertThat(lenient.status()).isEqualTo(202);
    assertThat(lenient.resource(OperationOutcome.class).getIssue()).anySatisfy(issue -> assertThat(
        issue.getDiagnostics()).contains("Spaceship"));
    JsonNode manifest = exporter.manifest(Exporter.path(lenient.header("Content-Location").orElseThrow()));
    assertThat(manifest.path("output").findValuesAsText("type")).containsExactly("Patient");
    assertThat(exporter.lines(manifest, "error").get("OperationOutcome")).singleElement()
        .satisfies(line -> assertThat(line).contains("Spaceship"));
  }

  @Test
  void aPreferSentAsTwoHeadersIsReadWhole() {
    Http.Response lenient = http.get("/fhir/$export?_type=Patient,Spaceship", "Prefer", "respond-async", "Prefer",
        "handling=lenient");

    assertThat(lenient.status()).as(lenient.body()).isEqualTo(202);
    assertThat(lenient.resource(OperationOutcome.class).getIssue()).anySatisfy(issue -> assertThat(
        issue.getDiagnostics()).contains("Spaceship"));
    exporter.manifest(Exporter.path(lenient.header("Content-Location").orElseThrow()));
  }

  @Test
  void typeFiltersMayNotShapeTheOutputNorNameTypesTheExportLeavesOut() {
    for (String held : List.of("_include%3DObservation%3Asubject", "_revinclude%3DProvenance%3Atarget",
        "_sort%3Ddate", "_count%3D10", "_elements%3Dcode")) {
      assertThat(refused(400, "/fhir/$export?_type=Observation&_typeFilter=Observation%3F" + held))
          .as(held).contains("may not hold");
    }
    assertThat(refused(400, "/fhir/$export?_type=Patient&_typeFilter=Observation%3Fstatus%3Dfinal"))
        .contains("does not include");
    // Without _type a Patient export holds its compartment's types: a Practitioner is not among them.
    assertThat(refused(400, "/fhir/Patient/$export?_typeFilter=Practitioner%3Fname%3Dx"))
        .contains("does not include");
    assertThat(refused(400, "/fhir/$export?_typeFilter=status%3Dfinal")).contains("is not a search");
    assertThat(refused(400, "/fhir/$export?_typeFilter=Observation%3Fsubject.name%3Dx"))
        .contains("cannot be decided");
    assertThat(refused(400, "/fhir/$export?_typeFilter=Observation%3Fbogus%3Dx")).contains("bogus");
    assertThat(refused(400, "/fhir/$export?_typeFilter=Observation%3F_text%3Dx"))
        .startsWith("_typeFilter Observation?_text=x: ");
  }

  @Test
  void aTypeFilterWithAnUnknownParameterIsLeftOutWhenLenientAndReported() {
    Http.Response lenient = http.get("/fhir/$export?_type=Observation&_typeFilter=Observation%3Fbogus%3Dx",
        "Prefer", "respond-async, handling=lenient");

    assertThat(lenient.status()).as(lenient.body()).isEqualTo(202);
    assertThat(lenient.body()).contains("bogus");
    exporter.manifest(Exporter.path(lenient.header("Content-Location").orElseThrow()));
  }

  @Test
  void instantsMustBeInstantsAndUntilAndTillMustAgree() {
    assertThat(refused(400, "/fhir/$export?_since=yesterday")).contains("_since 'yesterday'");
    assertThat(refused(400, "/fhir/$export?_until=2024-01-01T00:00:00Z&_till=2024-02-01T00:00:00Z"))
        .contains("_till");

    accepted("/fhir/$export?_type=Patient&_since=2024-01-01T00:00:00Z&_till=2030-01-01T00:00:00Z");
  }

  @Test
  void aTimeZonesPlusSentUnencodedIsReadAsAPlus() {
    accepted("/fhir/$export?_type=Patient&_since=2024-01-01T00:00:00+02:00");

    // Read as offsets, 23:00 and 22:00 UTC: the export would begin after it ends.
    assertThat(refused(400, "/fhir/$export?_since=2024-01-01T00:00:00+01:00&_until=2024-01-01T00:00:00+02:00"))
        .contains("_since 2023-12-31T23:00:00Z is after _until 2023-12-31T22:00:00Z");
  }

  @Test
  void unknownParametersAndUnsupportedAssociatedDataAreRefused() {
    assertThat(refused(400, "/fhir/$export?_tpye=Patient")).contains("_tpye");
    assertThat(refused(400, "/fhir/$export?includeAssociatedData=_myAuditTrail")).contains("_myAuditTrail")
        .contains("RelevantProvenanceResources");
    assertThat(refused(400, "/fhir/$export?includeAssociatedData=RelevantProvenanceResources,Everything"))
        .contains("includeAssociatedData Everything");
    assertThat(refused(400, "/fhir/$export?_container=exports")).contains("--export-blob");
    assertThat(refused(400, "/fhir/$export?_elements=Patient.wingspan")).contains("Patient.wingspan");
    // Only Practitioner and PractitionerRole have one, and neither is in the Patient compartment.
    assertThat(refused(400, "/fhir/Patient/$export?_elements=qualification")).contains("qualification");
  }

  @Test
  void unsupportedAssociatedDataIsLeftOutWhenLenientAndReported() {
    Http.Response lenient = http.get("/fhir/$export?_type=Patient&includeAssociatedData=_myAuditTrail", "Prefer",
        "respond-async, handling=lenient");

    assertThat(lenient.status()).as(lenient.body()).isEqualTo(202);
    assertThat(lenient.resource(OperationOutcome.class).getIssue()).anySatisfy(issue -> assertThat(
        issue.getDiagnostics()).contains("_myAuditTrail"));
    JsonNode manifest = exporter.manifest(Exporter.path(lenient.header("Content-Location").orElseThrow()));
    assertThat(manifest.path("output").findValuesAsText("type")).containsExactly("Patient");
    assertThat(exporter.lines(manifest, "error").get("OperationOutcome")).singleElement()
        .satisfies(line -> assertThat(line).contains("_myAuditTrail"));
  }

  @Test
  void patientIsTakenOnlyInAPostBodyAtPatientOrGroupLevelAndMustExist() {
    assertThat(refused(400, "/fhir/Patient/$export?patient=Patient/" + patient)).contains("Parameters body");
    assertThat(http.refused(400, "POST", "/fhir/$export", parameters("Patient/" + patient), "Prefer",
        "respond-async").getIssueFirstRep().getDiagnostics()).contains("Parameters body");
    assertThat(http.refused(400, "POST", "/fhir/Patient/$export", parameters("Patient/nobody"), "Prefer",
        "respond-async").getIssueFirstRep().getDiagnostics()).contains("Patient/nobody");
    assertThat(http.refused(400, "POST", "/fhir/Patient/$export", parameters("Observation/1"), "Prefer",
        "respond-async").getIssueFirstRep().getDiagnostics()).contains("Observation/1");

    Http.Response inGroup = http.post("/fhir/Group/g1/$export", parameters("Patient/" + patient), "Prefer",
        "respond-async");
    assertThat(inGroup.status()).as(inGroup.body()).isEqualTo(202);
    exporter.manifest(Exporter.path(inGroup.header("Content-Location").orElseThrow()));
  }

  @Test
  void aPatientGivenByIdentifierRatherThanReferenceIsABadRequest() {
    String byIdentifier = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"patient\","
        + "\"valueReference\":{\"identifier\":{\"value\":\"mrn-7\"}}}]}";

    OperationOutcome refused = http.refused(400, "POST", "/fhir/Patient/$export", byIdentifier, "Prefer",
        "respond-async");

    assertThat(refused.getIssueFirstRep().getDiagnostics()).contains("patient");
  }

  @Test
  void anUnknownGroupIsNotFoundAndAnExportOfNoCompartmentTypeIsRefused() {
    assertThat(refused(404, "/fhir/Group/nosuch/$export")).contains("Group/nosuch");
    assertThat(refused(400, "/fhir/Patient/$export?_type=Practitioner")).contains("Patient compartment");
  }

  @Test
  void membersLeftOutAreWarnedOfAtKickOffNotCalledErrorsOfAnExportThatGoesAhead() {
    String practitioner = server.client().create().resource(new Practitioner()).execute().getId().getIdPart();
    http.put("/fhir/Group/mixed", "{\"resourceType\":\"Group\",\"id\":\"mixed\",\"type\":\"person\","
        + "\"actual\":true,\"member\":[{\"entity\":{\"reference\":\"Patient/" + patient + "\"}},"
        + "{\"entity\":{\"reference\":\"Practitioner/" + practitioner + "\"}}]}");

    Http.Response started = http.get("/fhir/Group/mixed/$export?_type=Patient", "Prefer", "respond-async");

    assertThat(started.status()).isEqualTo(202);
    assertThat(started.resource(OperationOutcome.class).getIssue())
        .noneMatch(issue -> issue.getSeverity() == IssueSeverity.ERROR)
        .anySatisfy(issue -> assertThat(issue.getDiagnostics()).contains("Practitioner/" + practitioner));
    exporter.manifest(Exporter.path(started.header("Content-Location").orElseThrow()));
  }

  /** The Bulk Data manifest's error file says what the export could not export, and the export goes ahead. */
  @Test
  void aGroupMemberDeletedBeforeTheExportIsAnErrorOfItsErrorFileAndTheOtherMembersAreExported() {
    String gone = server.client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    http.put("/fhir/Group/departed", "{\"resourceType\":\"Group\",\"id\":\"departed\",\"type\":\"person\","
        + "\"actual\":true,\"member\":[{\"entity\":{\"reference\":\"Patient/" + patient + "\"}},"
        + "{\"entity\":{\"reference\":\"Patient/" + gone + "\"}}]}");
    assertThat(http.send("DELETE", "/fhir/Patient/" + gone, null).status()).isEqualTo(204);

    JsonNode manifest = exporter.manifest(exporter.start("/fhir/Group/departed/$export?_type=Patient"));

    assertThat(exporter.exported(manifest)).containsOnlyKeys("Patient/" + patient);
    assertThat(exporter.lines(manifest, "error").get("OperationOutcome")).singleElement().satisfies(line -> {
      JsonNode outcome = Exporter.tree(line);
      assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
      assertThat(outcome.path("issue")).singleElement().satisfies(issue -> {
        assertThat(issue.path("severity").asText()).isEqualTo("error");
        assertThat(issue.path("diagnostics").asText()).isEqualTo("Patient/" + gone + ", a member of Group/departed,"
            + " was deleted: it is not exported.");
      });
    });
  }

  /**
   * A member deleted before the export is no member whose data is exported: its compartment's resources are left
   * out, as Microsoft's server exports only the members that resolve to existing patients, while its deletion since
   * {@code _since} is still listed, so that a client that exported it before learns of it.
   */
  @Test
  void aGroupMemberDeletedBeforeTheExportHasNothingOfItsCompartmentExportedAndItsDeletionListed() {
    Instant since = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String gone = server.client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    String kept = observation(patient);
    String left = observation(gone);
    http.put("/fhir/Group/left", "{\"resourceType\":\"Group\",\"id\":\"left\",\"type\":\"person\","
        + "\"actual\":true,\"member\":[{\"entity\":{\"reference\":\"Patient/" + patient + "\"}},"
        + "{\"entity\":{\"reference\":\"Patient/" + gone + "\"}}]}");
    assertThat(http.send("DELETE", "/fhir/Patient/" + gone, null).status()).isEqualTo(204);

    JsonNode manifest = exporter.manifest(exporter.start("/fhir/Group/left/$export?_type=Patient,Observation"
        + "&_since=" + since));

    assertThat(exporter.exported(manifest)).containsOnlyKeys("Observation/" + kept).doesNotContainKey(
        "Observation/" + left);
    assertThat(exporter.lines(manifest, "deleted").get("Bundle")).singleElement().satisfies(line -> assertThat(
        Exporter.tree(line).path("entry").findValuesAsText("url")).containsExactly("Patient/" + gone));
  }

  private static String observation(String subject) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference("Patient/" + subject));
    observation.getCode().setText("export");
    return server.client().create().resource(observation).execute().getId().getIdPart();
  }

  @Test
  void moreExportsThanTheMostRunningAreRefusedWithRetryAfterUntilOneEnds() {
    List<String> elsewhere = new ArrayList<>();
    for (int i = 0; i < MAX_RUNNING; i++) {
      elsewhere.add(exporter.runningElsewhere("{}"));
    }

    Http.Response busy = http.get("/fhir/$export", "Prefer", "respond-async");
    elsewhere.forEach(server.store().jobs()::cancel);
    Http.Response afterwards = http.get("/fhir/$export?_type=Patient", "Prefer", "respond-async");

    assertThat(busy.status()).isEqualTo(429);
    assertThat(busy.header("Retry-After")).hasValue("60");
    assertThat(busy.resource(OperationOutcome.class).getIssueFirstRep().getDiagnostics())
        .contains(MAX_RUNNING + " exports");
    assertThat(afterwards.status()).isEqualTo(202);
    exporter.manifest(Exporter.path(afterwards.header("Content-Location").orElseThrow()));
  }

  /** Kicks off an export that must be accepted, and waits for its end so that it no longer counts as running. */
  private static void accepted(String path) {
    exporter.manifest(exporter.start(path));
  }

  private static String refused(int status, String path) {
    return http.refused(status, "GET", path, (byte[]) null, "Prefer", "respond-async").getIssueFirstRep()
        .getDiagnostics();
  }

  private static String parameters(String reference) {
    return "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"patient\",\"valueReference\":"
        + "{\"reference\":\"" + reference + "\"}}]}";
  }

  private static OperationOutcome outcome(InvalidRequestException e) {
    return (OperationOutcome) e.getOperationOutcome();
  }
}
