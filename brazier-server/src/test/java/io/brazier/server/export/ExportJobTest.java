package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.ExportConfig;
import io.brazier.server.Http;
import io.brazier.server.Meeting;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.server.operation.JobJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export job as a client follows it: X-Progress while it runs, the manifest and its files once done, and a
 * DELETE that cancels it (or, once done, says the client is done) and deletes its files, after which the status and
 * the files are not found.
 */
class ExportJobTest {
  /** The longest: the sweeper then runs every ten minutes, and leaves an expired export for the tests to see. */
  private static final Duration TTL = ExportConfig.MAX_TTL;
  @TempDir
  static Path dir;
  /** Kick-offs a test makes meet inside the server, so that they are handled at once however fast each one is. */
  private static final Meeting meeting = new Meeting("$export");
  private static TestServer server;
  private static Http http;
  private static Exporter exporter;

  @BeforeAll
  static void start() {
    server = TestServer.start(dir.resolve("db"), ServerConfig.builder().exports(ExportConfig.builder()
        .dir(dir.resolve("export")).fileMaxBytes(64 * 1024).ttl(TTL).page(10).build()).build(), List.of(meeting));
    http = server.http();
    exporter = new Exporter(server);
    Sample.load(server, "");
    Sample.load(server, "-again");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aRunningExportSaysHowFarItGotInXProgress() {
    ExportRequest request = new ExportRequest(ExportRequest.Level.SYSTEM, null, null, List.of(),
        List.of("Observation", "Patient"), List.of(), null, Map.of(), null, null, List.of(), null, server.baseUrl() + "/$export",
        server.baseUrl(), server.store().watermark(), Instant.now().toString(), null, List.of(), false, null);
    String job = exporter.runningElsewhere(JobJson.write(request));
    server.store().jobs().heartbeat(job, Exporter.ELSEWHERE, 120, null, JobJson.write(new ExportCursor(1, null, 0,
        List.of(), null, 120, 20, 480L)), Duration.ofMinutes(5));

    Http.Response polled = http.get("/fhir/_async/" + job);
    server.store().jobs().cancel(job);

    assertThat(polled.status()).isEqualTo(202);
    assertThat(polled.header("X-Progress")).hasValue("Patient 20/480 (step 2 of 2, 120 done)");
    assertThat(polled.header("Retry-After")).isPresent();
  }

  @Test
  void identicalKickOffsInAnyOrderWhileTheFirstRunsGetItsJobAndAnyOtherAJobOfItsOwn() throws Exception {
    String path = "/fhir/$export?_type=Observation,Patient&_outputFormat=ndjson";
    String reordered = "/fhir/$export?_outputFormat=ndjson&_type=Observation,Patient";
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    server.overlap().reset();
    meeting.expect(2);
    List<Future<String>> twins = List.of(pool.submit(() -> kickOff(start, path)),
        pool.submit(() -> kickOff(start, reordered)));
    String first = twins.get(0).get();
    String second = twins.get(1).get();
    meeting.expect(0);
    int atOnce = server.overlap().mostAtOnce();
    pool.shutdown();
    String other = exporter.start("/fhir/$export?_type=Patient,Observation");
    exporter.manifest(first);
    String afterItEnded = exporter.start(path);

    assertThat(atOnce).as("kick-offs the server answered at once").isGreaterThan(1);
    assertThat(second).as("the same parameters in another order").isEqualTo(first);
    assertThat(other).as("another URL").isNotEqualTo(first);
    assertThat(afterItEnded).isNotIn(first, other);
    exporter.manifest(other);
    exporter.manifest(afterItEnded);
  }

  private static String kickOff(CyclicBarrier start, String path) throws Exception {
    start.await();
    return exporter.start(path);
  }

  @Test
  void aDeleteOfAFinishedExportDeletesItsFilesAndThenItIsNotFound() {
    String status = exporter.start("/fhir/$export?_type=Patient");
    JsonNode manifest = exporter.manifest(status);
    String file = Exporter.path(manifest.path("output").path(0).path("url").asText());
    Path folder = folder(status);
    assertThat(folder).isDirectory();

    Http.Response deleted = http.send("DELETE", status, null);

    assertThat(deleted.status()).isEqualTo(202);
    assertThat(deleted.resource(OperationOutcome.class).getIssueFirstRep().getDiagnostics())
        .contains("its files are deleted");
    http.refused(404, "GET", status, (byte[]) null);
    http.refused(404, "GET", file, (byte[]) null);
    assertThat(folder).doesNotExist();
    assertThat(http.refused(404, "DELETE", status, (byte[]) null).getIssueFirstRep().getDiagnostics())
        .contains("cancelled already");
  }

  @Test
  void anExpiredExportIsNotFoundEvenBeforeTheSweeperDeletesIt() throws SQLException {
    String status = exporter.start("/fhir/$export?_type=Patient");
    String file = Exporter.path(exporter.manifest(status).path("output").path(0).path("url").asText());

    endedLongAgo(status.substring(status.lastIndexOf('/') + 1));

    assertThat(http.refused(404, "GET", status, (byte[]) null).getIssueFirstRep().getDiagnostics())
        .contains("expired");
    http.refused(404, "GET", file, (byte[]) null);
    assertThat(folder(status)).isDirectory();
  }

  @Test
  void aDeleteOfARunningExportStopsItAndLeavesNoFiles() {
    String status = exporter.start("/fhir/$export");

    Http.Response deleted = http.send("DELETE", status, null);

    assertThat(deleted.status()).isEqualTo(202);
    http.refused(404, "GET", status, (byte[]) null);
    awaitGone(folder(status));
  }

  @Test
  void filesOfUnknownExportsAndUnknownFilesAreNotFound() {
    String status = exporter.start("/fhir/$export?_type=Patient");
    exporter.manifest(status);

    http.refused(404, "GET", status + "/Observation-1.ndjson", (byte[]) null);
    http.refused(404, "GET", status + "/..%2F..%2Fetc%2Fpasswd", (byte[]) null);
    http.refused(404, "GET", "/fhir/_async/" + UUID.randomUUID() + "/Patient-1.ndjson", (byte[]) null);
  }

  @Test
  void aListedFileThatIsNoLongerStoredIsNotFoundRatherThanServedEmpty() throws IOException {
    String status = exporter.start("/fhir/$export?_type=Patient");
    String file = Exporter.path(exporter.manifest(status).path("output").path(0).path("url").asText());
    // As on a node whose --export-dir is not the folder the export was written to.
    Files.delete(folder(status).resolve(file.substring(file.lastIndexOf('/') + 1)));

    for (String encoding : List.of("identity", "gzip")) {
      assertThat(http.refused(404, "GET", file, (byte[]) null, "Accept-Encoding", encoding).getIssueFirstRep()
          .getDiagnostics()).as(encoding).contains("no longer");
    }
  }

  @Test
  void aHeadOfAFileAnswersTheHeadersOfAGetWithoutItsBody() {
    String status = exporter.start("/fhir/$export?_type=Patient");
    String file = Exporter.path(exporter.manifest(status).path("output").path(0).path("url").asText());

    for (String encoding : List.of("identity", "gzip")) {
      Http.Response get = http.send("GET", file, null, "Accept-Encoding", encoding);
      Http.Response head = http.send("HEAD", file, null, "Accept-Encoding", encoding);

      assertThat(head.status()).isEqualTo(200);
      assertThat(head.bytes()).isEmpty();
      assertThat(get.bytes()).isNotEmpty();
      for (String header : List.of("Content-Length", "Content-Type", "Content-Encoding")) {
        assertThat(head.header(header)).as(header + " of " + encoding).isEqualTo(get.header(header));
      }
    }
  }

  /** As if the job had ended a day longer ago than exports are kept. */
  private static void endedLongAgo(String job) throws SQLException {
    try (Connection connection = server.database().dataSource().getConnection();
        PreparedStatement update = connection.prepareStatement(
            "UPDATE job SET updated = now() - ? * interval '1 second' WHERE id = ?::uuid")) {
      update.setLong(1, TTL.plusDays(1).toSeconds());
      update.setString(2, job);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
  }

  private static Path folder(String status) {
    return dir.resolve("export").resolve(status.substring(status.lastIndexOf('/') + 1));
  }

  /** Waits until the folder is gone: a run stopped mid-page may write once more, then deletes what it wrote. */
  private static void awaitGone(Path folder) {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < end) {
      if (!Files.exists(folder) || isEmpty(folder)) {
        return;
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    throw new AssertionError(folder + " still holds files");
  }

  private static boolean isEmpty(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files.findAny().isEmpty();
    } catch (IOException e) {
      if (!Files.exists(folder)) {
        return true;
      }
      throw new UncheckedIOException(e);
    }
  }
}
