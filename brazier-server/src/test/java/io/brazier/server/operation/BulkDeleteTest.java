package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.fhir.Fhir;
import io.brazier.server.FhirRequest;
import io.brazier.server.Http;
import io.brazier.server.Interceptor;
import io.brazier.server.Restriction;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.store.AsOfScan;
import io.brazier.store.Change;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.Job;
import io.brazier.store.ResourceVersion;
import io.brazier.store.ScanPage;
import io.brazier.store.TestDatabase;
import io.brazier.store.TestDatabase.HeldLock;
import io.brazier.store.sql.Database;
import io.brazier.store.sql.PostgresStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BulkDeleteTest {
  private static final String TAGS = "http://example.org/fhir/bulk-delete-test";
  private static final String[] ASYNC = {"Prefer", "respond-async"};
  private static final byte[] NO_BODY = null;

  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final Http http = server.http();
  private final String tag = UUID.randomUUID().toString();

  @Test
  void aTypeLevelBulkDeleteDeletesWhatItsCriteriaSelectAsADeleteWould() throws Exception {
    String first = created(client, new Patient(), tag);
    String second = created(client, new Patient(), tag);
    String untagged = created(client, new Patient(), null);
    String observation = created(client, new Observation(), tag);
    long before = server.lastChange();

    Http.Response started = http.send("DELETE", "/fhir/Patient/$bulk-delete?_tag=" + TAGS + "%7C" + tag, null, ASYNC);
    Http.Response done = poll(http, started);

    assertThat(started.status()).as(started.body()).isEqualTo(202);
    assertThat(done.status()).as(done.body()).isEqualTo(200);
    assertThat(counts(done)).containsExactly(Map.entry("Patient", 2L));
    assertThat(server.changesSince(before)).filteredOn(change -> List.of(first, second).contains(change.id()))
        .extracting(Change::action).containsExactly(Change.Action.DELETE, Change.Action.DELETE);
    assertThat(http.get("/fhir/Patient/" + first).status()).isEqualTo(410);
    assertThat(http.get("/fhir/Patient/" + second).status()).isEqualTo(410);
    assertThat(http.get("/fhir/Patient/" + first + "/_history/1").status()).as("a soft delete").isEqualTo(200);
    assertThat(http.get("/fhir/Patient/" + first + "/_history").resource(Bundle.class).getEntry())
        .extracting(entry -> entry.getRequest().getMethod())
        .containsExactly(Bundle.HTTPVerb.DELETE, Bundle.HTTPVerb.POST);
    assertThat(http.get("/fhir/Patient/" + untagged).status()).isEqualTo(200);
    assertThat(http.get("/fhir/Observation/" + observation).status()).isEqualTo(200);
  }

  @Test
  void aHardDeleteAlsoPurgesTheHistoryAndPurgeHistoryKeepsTheCurrentVersion() throws Exception {
    String hard = created(client, new Patient(), tag);
    client.update().resource(tagged(new Patient(), tag).setId(hard)).execute();
    String other = UUID.randomUUID().toString();
    String kept = created(client, new Patient(), other);
    client.update().resource(tagged(new Patient(), other).setId(kept)).execute();

    Http.Response hardDone = poll(http, http.send("DELETE", "/fhir/Patient/$bulk-delete?_hardDelete=true&_tag="
        + TAGS + "%7C" + tag, null, ASYNC));
    Http.Response purgeDone = poll(http, http.send("DELETE", "/fhir/Patient/$bulk-delete?_purgeHistory=true&_tag="
        + TAGS + "%7C" + other, null, ASYNC));

    assertThat(counts(hardDone)).containsExactly(Map.entry("Patient", 1L));
    assertThat(http.get("/fhir/Patient/" + hard).status()).as("the deletion stays, for the change feed")
        .isEqualTo(410);
    assertThat(http.get("/fhir/Patient/" + hard + "/_history/1").status()).isEqualTo(404);
    assertThat(http.get("/fhir/Patient/" + hard + "/_history/2").status()).isEqualTo(404);
    assertThat(counts(purgeDone)).containsExactly(Map.entry("Patient", 1L));
    assertThat(http.get("/fhir/Patient/" + kept).status()).isEqualTo(200);
    assertThat(http.get("/fhir/Patient/" + kept + "/_history/1").status()).isEqualTo(404);
  }

  @Test
  void aSystemLevelBulkDeleteSkipsTheExcludedTypes() throws Exception {
    String patient = created(client, new Patient(), tag);
    String practitioner = created(client, new Practitioner(), tag);
    String observation = created(client, new Observation(), tag);

    Http.Response done = poll(http, http.send("DELETE", "/fhir/$bulk-delete?excludedResourceTypes=Observation&_tag="
        + TAGS + "%7C" + tag, null, ASYNC));

    assertThat(counts(done)).containsExactly(Map.entry("Patient", 1L), Map.entry("Practitioner", 1L));
    assertThat(http.get("/fhir/Patient/" + patient).status()).isEqualTo(410);
    assertThat(http.get("/fhir/Practitioner/" + practitioner).status()).isEqualTo(410);
    assertThat(http.get("/fhir/Observation/" + observation).status()).isEqualTo(200);
  }

  @Test
  void aBulkDeleteOfManyResourcesWithLongIdsDeletesThemAll() throws Exception {
    try (TestServer own = TestServer.start(ServerConfig.defaults())) {
      own.client().transaction().withBundle(patients(BulkDelete.PAGE + 1, tag)).execute();

      Http.Response done = poll(own.http(), own.http().send("DELETE", "/fhir/Patient/$bulk-delete?_tag=" + TAGS
          + "%7C" + tag, null, ASYNC));

      assertThat(done.status()).as(done.body()).isEqualTo(200);
      assertThat(counts(done)).containsExactly(Map.entry("Patient", BulkDelete.PAGE + 1L));
    }
  }

  @Test
  void aReferencedResourceIsDeletedAndTheReferencesToItStayAsADeleteLeavesThem() throws Exception {
    assertThat(server.config().referentialIntegrity()).isEqualTo(ServerConfig.ReferentialIntegrity.ENFORCE);
    String patient = created(client, new Patient(), tag);
    Observation referring = (Observation) tagged(new Observation(), UUID.randomUUID().toString());
    referring.getSubject().setReference("Patient/" + patient);
    String observation = created(client, referring, null);

    Http.Response done = poll(http, http.send("DELETE", "/fhir/Patient/$bulk-delete?_tag=" + TAGS + "%7C" + tag,
        null, ASYNC));

    assertThat(done.status()).as(done.body()).isEqualTo(200);
    assertThat(counts(done)).containsExactly(Map.entry("Patient", 1L));
    assertThat(http.get("/fhir/Patient/" + patient).status()).isEqualTo(410);
    assertThat(http.get("/fhir/Observation/" + observation).resource(Observation.class).getSubject()
        .getReference()).isEqualTo("Patient/" + patient);
  }

  @Test
  void aBadRequestIsRefusedBeforeAnyJobStarts() {
    String patient = created(client, new Patient(), tag);
    String criteria = "_tag=" + TAGS + "%7C" + tag;

    http.refused(400, "DELETE", "/fhir/Patient/$bulk-delete?" + criteria, NO_BODY);
    http.refused(400, "DELETE", "/fhir/Patient/$bulk-delete?bogus=1&" + criteria, NO_BODY, ASYNC);
    http.refused(400, "DELETE", "/fhir/Patient/$bulk-delete?_hardDelete=yes&" + criteria, NO_BODY, ASYNC);
    http.refused(400, "DELETE", "/fhir/Patient/$bulk-delete?_count=1&" + criteria, NO_BODY, ASYNC);
    http.refused(400, "DELETE", "/fhir/Patient/$bulk-delete?_remove-references=true&" + criteria, NO_BODY, ASYNC);
    http.refused(400, "DELETE", "/fhir/Patient/$bulk-delete?excludedResourceTypes=Observation&" + criteria, NO_BODY,
        ASYNC);
    http.refused(400, "DELETE", "/fhir/$bulk-delete?excludedResourceTypes=Nothing&" + criteria, NO_BODY, ASYNC);
    http.refused(400, "DELETE", "/fhir/$bulk-delete?name=x&" + criteria, NO_BODY, ASYNC);
    http.refused(400, "DELETE", "/fhir/Observation/$bulk-delete?subject:Patient._id=" + patient + "&" + criteria,
        NO_BODY, ASYNC);
    http.refused(400, "DELETE", "/fhir/Patient/$bulk-delete-soft-deleted?" + criteria, NO_BODY, ASYNC);

    assertThat(http.get("/fhir/Patient/" + patient).status()).isEqualTo(200);
  }

  @Test
  void aCallerKeptToAPatientMayNotBulkDelete() {
    Interceptor restricted = new Interceptor() {
      @Override
      public FhirRequest before(FhirRequest request) {
        return request.withRestriction(Restriction.within("Patient", List.of("p-1")));
      }
    };
    try (TestServer isolated = TestServer.onSharedStore(ServerConfig.defaults(), List.of(restricted))) {
      isolated.http().refused(403, "DELETE", "/fhir/Patient/$bulk-delete?_tag=" + TAGS + "%7C" + tag, NO_BODY, ASYNC);
    }
  }

  @Test
  void bulkDeleteSoftDeletedPurgesWhatDeletedResourcesKept() throws Exception {
    try (TestServer own = TestServer.start(ServerConfig.defaults())) {
      IGenericClient ownClient = own.client();
      String deleted = created(ownClient, new Patient(), tag);
      String live = created(ownClient, new Patient(), tag);
      ownClient.delete().resourceById("Patient", deleted).execute();
      Http ownHttp = own.http();

      Http.Response none = poll(ownHttp, ownHttp.send("DELETE", "/fhir/$bulk-delete-soft-deleted?_lastUpdated=lt2000",
          null, ASYNC));
      Http.Response done = poll(ownHttp, ownHttp.send("DELETE", "/fhir/$bulk-delete-soft-deleted", null, ASYNC));

      assertThat(counts(none)).isEmpty();
      assertThat(counts(done)).containsExactly(Map.entry("Patient", 1L));
      assertThat(ownHttp.get("/fhir/Patient/" + deleted).status()).isEqualTo(410);
      assertThat(ownHttp.get("/fhir/Patient/" + deleted + "/_history/1").status()).isEqualTo(404);
      assertThat(ownHttp.get("/fhir/Patient/" + live + "/_history/1").status()).isEqualTo(200);
    }
  }

  @Test
  void aCancelledBulkDeleteAnswersWhatItDeletedBefore(@TempDir Path dir) throws Exception {
    try (TestServer before = TestServer.start(dir, ServerConfig.defaults())) {
      before.client().update().resource(tagged(new Patient(), tag).setId("c")).execute();
    }
    String job = submitted(dir, "busy-node", Duration.ofMinutes(10), 0, cursor(null, List.of(), 2));

    try (TestServer after = TestServer.start(dir, ServerConfig.defaults())) {
      Http afterHttp = after.http();
      Http.Response cancel = afterHttp.send("DELETE", "/fhir/_async/" + job, null);
      Http.Response polled = afterHttp.get("/fhir/_async/" + job);

      assertThat(cancel.status()).as(cancel.body()).isEqualTo(202);
      assertThat(cancel.body()).contains("stays deleted");
      assertThat(polled.status()).as(polled.body()).isEqualTo(200);
      assertThat(counts(polled)).containsExactly(Map.entry("Patient", 2L));
      assertThat(afterHttp.get("/fhir/Patient/c").status()).as("not reached before the cancel").isEqualTo(200);
    }
  }

  @Test
  void aCancelWhileAPageIsInFlightAnswersExactlyWhatWasDeleted() throws Exception {
    try (TestServer own = TestServer.start(ServerConfig.defaults())) {
      Http ownHttp = own.http();
      own.client().transaction().withBundle(patients(BulkDelete.PAGE + 1, tag)).execute();
      String status;
      Http.Response cancel;
      // The second page, the last resource alone, waits for this writer while the job is cancelled.
      try (HeldLock writer = TestDatabase.lockResource(own.database(), "Patient", lastInScanOrder(own.database()))) {
        status = status(ownHttp.send("DELETE", "/fhir/Patient/$bulk-delete?_tag=" + TAGS + "%7C" + tag, null, ASYNC));
        writer.awaitWaiter();
        cancel = ownHttp.send("DELETE", status, null);
      }
      // A node runs one job at a time: once the next is done, the cancelled one's page has ended.
      poll(ownHttp, ownHttp.send("DELETE", "/fhir/Patient/$bulk-delete?_id=none", null, ASYNC));
      Http.Response polled = ownHttp.get(status);
      int left = ownHttp.get("/fhir/Patient?_summary=count&_tag=" + TAGS + "%7C" + tag).resource(Bundle.class)
          .getTotal();

      assertThat(cancel.status()).as(cancel.body()).isEqualTo(202);
      assertThat(left).as("not deleted").isBetween(0, 1);
      assertThat(counts(polled)).as("what was deleted, the page in flight included or not at all")
          .containsExactly(Map.entry("Patient", (long) BulkDelete.PAGE + 1 - left));
    }
  }

  @Test
  void aFailedBulkDeleteAnswersWhatItDeletedBeforeAndWhyItFailed() throws Exception {
    try (TestServer own = TestServer.start(ServerConfig.defaults())) {
      Http ownHttp = own.http();
      own.client().transaction().withBundle(patients(BulkDelete.PAGE + 1, tag)).execute();
      String last = lastInScanOrder(own.database());
      Http.Response failed;
      // The second page, the last resource alone, waits for this writer until the database cancels its statement.
      try (HeldLock writer = TestDatabase.lockResource(own.database(), "Patient", last)) {
        String status = status(ownHttp.send("DELETE", "/fhir/Patient/$bulk-delete?_tag=" + TAGS + "%7C" + tag, null,
            ASYNC));
        writer.awaitWaiter();
        writer.cancelWaiters();
        failed = poll(ownHttp, status);
      }
      Parameters answer = failed.resource(Parameters.class);

      assertThat(failed.status()).as(failed.body()).isEqualTo(500);
      assertThat(answer.getParameter("ResourceDeletedCount").getPart()).singleElement()
          .satisfies(part -> assertThat(part.getName()).isEqualTo("Patient"))
          .satisfies(part -> assertThat(part.getValue().castToDecimal(part.getValue()).getValue().longValueExact())
              .as("the first page, deleted before the failure").isEqualTo(BulkDelete.PAGE));
      assertThat(((OperationOutcome) answer.getParameter("Issues").getResource()).getIssueFirstRep())
          .satisfies(issue -> assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR))
          .satisfies(issue -> assertThat(issue.getDiagnostics()).contains("incident"));
      assertThat(ownHttp.get("/fhir/Patient/" + last).status()).isEqualTo(200);
    }
  }

  @Test
  void aHardBulkDeleteWhoseNodeDiedPurgesItsPageAndGoesOnOnTheNextNode(@TempDir Path dir) throws Exception {
    long kickOff;
    try (TestServer before = TestServer.start(dir, ServerConfig.defaults())) {
      IGenericClient first = before.client();
      for (String id : List.of("a", "b", "c")) {
        first.update().resource(tagged(new Patient(), tag).setId(id)).execute();
        first.update().resource(tagged(new Patient(), tag).setId(id)).execute();
      }
      kickOff = before.lastChange();
      // What the dead node's page committed, with its cursor, before it died: the deletions, not their purge.
      first.delete().resourceById("Patient", "a").execute();
      first.delete().resourceById("Patient", "b").execute();
    }
    String job = submitted(dir, "dead-node", Duration.ofMillis(1), kickOff,
        cursor(scannedPast(dir, kickOff, "a", "b"), List.of("Patient/a", "Patient/b"), 2));

    try (TestServer after = TestServer.start(dir, ServerConfig.defaults())) {
      Http afterHttp = after.http();
      Http.Response done = poll(afterHttp, "/fhir/_async/" + job);

      assertThat(done.status()).as(done.body()).isEqualTo(200);
      assertThat(counts(done)).as("each counted once").containsExactly(Map.entry("Patient", 3L));
      for (String id : List.of("a", "b", "c")) {
        assertThat(afterHttp.get("/fhir/Patient/" + id).status()).isEqualTo(410);
        assertThat(afterHttp.get("/fhir/Patient/" + id + "/_history").resource(Bundle.class).getEntry())
            .as("Patient/" + id + ": one deletion, its history purged").extracting(e -> e.getRequest().getMethod())
            .containsExactly(Bundle.HTTPVerb.DELETE);
      }
    }
  }

  @Test
  void aResourceChangedSinceTheKickOffIsLeftAloneAndOneCreatedSinceIsNotSelected(@TempDir Path dir)
      throws Exception {
    long kickOff;
    try (TestServer before = TestServer.start(dir, ServerConfig.defaults())) {
      IGenericClient first = before.client();
      for (String id : List.of("changed", "kept")) {
        first.update().resource(tagged(new Patient(), tag).setId(id)).execute();
      }
      kickOff = before.lastChange();
      first.update().resource(tagged(new Patient().setActive(true), tag).setId("changed")).execute();
      first.update().resource(tagged(new Patient(), tag).setId("created")).execute();
    }
    String job = submitted(dir, "dead-node", Duration.ofMillis(1), kickOff, null);

    try (TestServer after = TestServer.start(dir, ServerConfig.defaults())) {
      Http afterHttp = after.http();
      Http.Response done = poll(afterHttp, "/fhir/_async/" + job);

      assertThat(done.status()).as(done.body()).isEqualTo(200);
      assertThat(done.resource(Parameters.class).getParameter("ResourceDeletedCount").getPart()).singleElement()
          .satisfies(part -> assertThat(part.getName()).isEqualTo("Patient"))
          .satisfies(part -> assertThat(part.getValue().primitiveValue()).isEqualTo("1"));
      assertThat(done.resource(Parameters.class).getParameter("ResourceIgnoredCount").getPart()).as("changed since")
          .singleElement().satisfies(part -> assertThat(part.getName()).isEqualTo("Patient"))
          .satisfies(part -> assertThat(part.getValue().primitiveValue()).isEqualTo("1"));
      assertThat(afterHttp.get("/fhir/Patient/kept").status()).isEqualTo(410);
      assertThat(afterHttp.get("/fhir/Patient/changed").resource(Patient.class).getMeta().getVersionId())
          .as("changed since the kick-off: left alone").isEqualTo("2");
      assertThat(afterHttp.get("/fhir/Patient/created").status()).as("created since the kick-off").isEqualTo(200);
    }
  }

  @Test
  void aPurgeWhoseNodeDiedInTheMiddleOfAPageCountsItsPageOnResume(@TempDir Path dir) throws Exception {
    String status;
    try (TestServer before = TestServer.start(dir, ServerConfig.defaults())) {
      IGenericClient first = before.client();
      for (String id : List.of("a", "b")) {
        first.update().resource(tagged(new Patient(), tag).setId(id)).execute();
        first.update().resource(tagged(new Patient(), tag).setId(id)).execute();
      }
      try (HeldLock writer = TestDatabase.lockResource(before.database(), "Patient", "b")) {
        status = status(before.http().send("DELETE", "/fhir/Patient/$bulk-delete?_purgeHistory=true&_tag=" + TAGS
            + "%7C" + tag, null, ASYNC));
        writer.awaitWaiter();
        // The node dies with Patient/a purged and Patient/b waiting: its transaction ends with its connection.
        writer.terminateWaiters();
      }
    }
    leaseRunsOut(dir, status.substring(status.lastIndexOf('/') + 1));

    try (TestServer after = TestServer.start(dir, ServerConfig.defaults())) {
      Http afterHttp = after.http();
      Http.Response done = poll(afterHttp, status);

      assertThat(done.status()).as(done.body()).isEqualTo(200);
      assertThat(counts(done)).containsExactly(Map.entry("Patient", 2L));
      for (String id : List.of("a", "b")) {
        assertThat(afterHttp.get("/fhir/Patient/" + id + "/_history/2").status()).isEqualTo(200);
        assertThat(afterHttp.get("/fhir/Patient/" + id + "/_history/1").status()).isEqualTo(404);
      }
    }
  }

  /**
   * A bulk delete that an older version began has no kick-off to select as of, and a cursor in another shape: it
   * fails saying so, rather than succeeding having deleted nothing; polled while it runs, it answers cleanly.
   */
  @Test
  void aBulkDeleteAnOlderVersionBeganFailsSayingToStartItAgain(@TempDir Path dir) throws Exception {
    try (TestServer before = TestServer.start(dir, ServerConfig.defaults())) {
      before.client().update().resource(tagged(new Patient(), tag).setId("older")).execute();
    }
    String running = olderJob(dir, "busy-node", Duration.ofMinutes(10),
        "{\"type\":\"Patient\",\"after\":\"a\",\"pending\":[\"a\"],\"counts\":{\"Patient\":1}}");
    String resumed = olderJob(dir, "old-node", Duration.ofMillis(1),
        "{\"type\":\"Patient\",\"after\":\"a\",\"pending\":[],\"counts\":{\"Patient\":1}}");
    String queued = olderJob(dir, null, Duration.ofMillis(1), null);

    try (TestServer after = TestServer.start(dir, ServerConfig.defaults())) {
      Http afterHttp = after.http();
      Http.Response progress = afterHttp.get("/fhir/_async/" + running);
      for (String job : List.of(queued, resumed)) {
        Http.Response failed = poll(afterHttp, "/fhir/_async/" + job);

        assertThat(failed.status()).as(failed.body()).isEqualTo(500);
        assertThat(failed.body()).contains("started by an older version").contains("start it again")
            .doesNotContain("incident");
      }
      assertThat(progress.status()).as(progress.body()).isEqualTo(202);
      assertThat(progress.header("X-Progress")).isPresent();
      assertThat(afterHttp.send("DELETE", "/fhir/_async/" + running, null).status()).isEqualTo(202);
      Http.Response cancelled = afterHttp.get("/fhir/_async/" + running);
      assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
      assertThat(afterHttp.get("/fhir/Patient/older").status()).isEqualTo(200);
    }
  }

  /**
   * A hard bulk delete of this test's Patients as an older version wrote it: no kick-off sequence; queued, or claimed
   * by {@code owner} with its cursor.
   */
  private String olderJob(Path dir, String owner, Duration lease, String cursor) {
    try (PostgresStore store = store(dir)) {
      String job = store.jobs().submit(BulkDelete.KIND, "{\"mode\":\"HARD\",\"types\":[\"Patient\"],"
          + "\"criteria\":{\"_tag\":[\"" + TAGS + "|" + tag + "\"]}}", null);
      if (owner != null) {
        assertThat(store.jobs().claim(owner, Set.of(BulkDelete.KIND), lease).map(Job::id)).contains(job);
        store.jobs().heartbeat(job, owner, 1, null, cursor, lease);
      }
      return job;
    }
  }

  /** What a dead node's lease comes to once it runs out: the job is anyone's to claim, from its cursor. */
  private static void leaseRunsOut(Path dir, String job) {
    try (PostgresStore store = store(dir)) {
      Job running = store.jobs().read(job).orElseThrow();
      assertThat(store.jobs().heartbeat(job, running.owner(), running.done(), running.total(), running.cursor(),
          Duration.ofMillis(1))).isTrue();
    }
  }

  /**
   * A hard bulk delete of this test's Patients kicked off at change {@code sequence}, queued and claimed by
   * {@code owner} with its cursor.
   */
  private String submitted(Path dir, String owner, Duration lease, long sequence, String cursor) {
    try (PostgresStore store = store(dir)) {
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("mode", "HARD");
      request.put("types", List.of("Patient"));
      request.put("criteria", Map.of("_tag", List.of(TAGS + "|" + tag)));
      request.put("sequence", sequence);
      String job = store.jobs().submit(BulkDelete.KIND, JobJson.write(request), null);
      store.jobs().claim(owner, Set.of(BulkDelete.KIND), lease);
      store.jobs().heartbeat(job, owner, 0, null, cursor, lease);
      return job;
    }
  }

  /** The cursor of a bulk delete of Patients after {@code after} (null: at the start), having deleted {@code count}. */
  private static String cursor(String after, List<String> pending, long count) {
    BulkCounts counts = BulkCounts.none(BulkCounts.Count.DELETED);
    counts.add(BulkCounts.Count.DELETED, "Patient", count);
    return JobJson.write(new BulkJob.Cursor(0, after, pending, counts));
  }

  /** Where a scan of the Patients as of {@code sequence} is once it has served these, and only these. */
  private static String scannedPast(Path dir, long sequence, String... ids) {
    try (PostgresStore store = store(dir)) {
      ScanPage page = store.scan(AsOfScan.of("Patient", sequence, ids.length), null);
      assertThat(page.versions()).extracting(ResourceVersion::id).containsExactly(ids);
      return page.next().encode();
    }
  }

  private static PostgresStore store(Path dir) {
    return new PostgresStore(Database.open(DatabaseConfig.embedded(dir)), new Fhir(false).resourceTypes());
  }

  private static Http.Response poll(Http http, Http.Response started) throws InterruptedException {
    return poll(http, status(started));
  }

  /**
   * The Patient a bulk job's selection meets last: it walks a type by lastUpdated, then row id, and the resources of
   * one transaction share their lastUpdated while their row ids need not follow their ids.
   */
  private static String lastInScanOrder(Database database) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT r.id FROM resource r JOIN resource_type t ON t.id = r.type"
            + " WHERE t.name = 'Patient' ORDER BY r.last_updated DESC, r.rid DESC LIMIT 1")) {
      row.next();
      return row.getString(1);
    }
  }

  /** The path of a started job's status. */
  private static String status(Http.Response started) {
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String location = started.header("Content-Location").orElseThrow();
    return location.substring(location.indexOf("/fhir/"));
  }

  private static Http.Response poll(Http http, String status) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < end) {
      Http.Response response = http.get(status);
      if (response.status() != 202) {
        return response;
      }
      assertThat(response.header("X-Progress")).isPresent();
      Thread.sleep(50);
    }
    throw new AssertionError(status + " did not end within two minutes");
  }

  /** The answer's ResourceDeletedCount, by type. */
  private static Map<String, Long> counts(Http.Response done) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Parameters.ParametersParameterComponent parameter : done.resource(Parameters.class).getParameter()) {
      assertThat(parameter.getName()).isEqualTo("ResourceDeletedCount");
      parameter.getPart().forEach(part -> counts.put(part.getName(),
          part.getValue().castToDecimal(part.getValue()).getValue().longValueExact()));
    }
    return counts;
  }

  /** A transaction that creates {@code count} tagged Patients, p0000 and on: ids long enough to fill pages. */
  private static Bundle patients(int count, String tag) {
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < count; i++) {
      String id = String.format("p%04d-%s", i, tag);
      transaction.addEntry().setResource(tagged(new Patient(), tag).setId(id)).getRequest()
          .setMethod(Bundle.HTTPVerb.PUT).setUrl("Patient/" + id);
    }
    return transaction;
  }

  private static String created(IGenericClient client, Resource resource, String tag) {
    return client.create().resource(tag == null ? resource : tagged(resource, tag)).execute().getId().getIdPart();
  }

  private static Resource tagged(Resource resource, String tag) {
    resource.getMeta().addTag(TAGS, tag, null);
    if (resource instanceof Observation observation) {
      observation.setStatus(Observation.ObservationStatus.FINAL).getCode().setText("bulk delete");
    }
    return resource;
  }
}
