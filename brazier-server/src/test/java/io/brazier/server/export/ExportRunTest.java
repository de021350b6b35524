package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.ExportConfig;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.store.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export run against writers and restarts: the files hold exactly the data as of the export's start whatever
 * commits meanwhile, a run stopped in the middle is resumed by the next start with every resource exactly once, and
 * {@code _since} lists what changed and what was deleted since. Each test has a database of its own.
 */
class ExportRunTest {
  /** Small pages and files, so that a run takes many steps (and, stopped, syncs after each page). */
  private static final int PAGE = 10;

  @TempDir
  Path dir;

  @Test
  void writesCommittedDuringTheExportNeverAppearAndDeletedResourcesStill() throws Exception {
    try (TestServer server = start()) {
      Sample.load(server, "");
      Map<String, String> before = new Exporter(server).stored();
      List<String> observations = before.keySet().stream().filter(key -> key.startsWith("Observation/")).toList();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger committed = new AtomicInteger();
      CountDownLatch firstWrite = new CountDownLatch(1);
      ExecutorService writer = Executors.newSingleThreadExecutor();

      String status = new Exporter(server).start("/fhir/$export");
      Future<?> writes = writer.submit(() -> write(server, observations, stop, committed, firstWrite));
      assertThat(firstWrite.await(60, TimeUnit.SECONDS)).isTrue();
      boolean runningDuringWrites = server.http().get(status).status() == 202;
      JsonNode manifest = new Exporter(server).manifest(status);
      stop.set(true);
      writes.get();
      writer.shutdown();

      assertThat(runningDuringWrites).as("the export ran while writes committed").isTrue();
      assertThat(committed.get()).isPositive();
      assertThat(new Exporter(server).exported(manifest)).isEqualTo(before);
    }
  }

  @Test
  void aRunStoppedInTheMiddleIsResumedByTheNextStartWithEveryResourceOnce() {
    String status;
    Map<String, String> before;
    try (TestServer server = start(Duration.ZERO)) {
      for (String suffix : List.of("", "-a", "-b")) {
        Sample.load(server, suffix);
      }
      before = new Exporter(server).stored();
      status = new Exporter(server).start("/fhir/$export");
      String job = status.substring(status.lastIndexOf('/') + 1);
      awaitCursor(server, job);
    }

    try (TestServer restarted = start(Duration.ZERO)) {
      JsonNode manifest = new Exporter(restarted).manifest(status);

      assertThat(new Exporter(restarted).exported(manifest)).isEqualTo(before);
    }
  }

  @Test
  void sinceExportsWhatChangedAndListsWhatWasDeletedInBundlesOfDeletes() {
    try (TestServer server = start()) {
      Sample.load(server, "");
      List<String> observations = new Exporter(server).stored().keySet().stream()
          .filter(key -> key.startsWith("Observation/")).toList();
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      // To the millisecond, as writes are stamped: one in the same millisecond is then not before it.
      Instant since = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      server.http().send("DELETE", "/fhir/" + observations.get(0), null);
      server.http().send("DELETE", "/fhir/" + observations.get(1), null);
      Observation changed = server.client().read().resource(Observation.class)
          .withId(observations.get(2).substring("Observation/".length())).execute();
      server.client().update().resource(changed.setStatus(Observation.ObservationStatus.AMENDED)).execute();

      Exporter exporter = new Exporter(server);
      JsonNode manifest = exporter.manifest(exporter.start("/fhir/$export?_since=" + since));

      Map<String, List<String>> output = exporter.lines(manifest, "output");
      assertThat(output.keySet()).containsExactly("Observation");
      assertThat(output.get("Observation")).singleElement().satisfies(line -> assertThat(line)
          .contains("\"amended\"").contains(observations.get(2).substring("Observation/".length())));
      List<String> deleted = exporter.lines(manifest, "deleted").get("Bundle");
      List<String> urls = new ArrayList<>();
      deleted.forEach(line -> Exporter.tree(line).path("entry").forEach(entry -> {
        assertThat(entry.path("request").path("method").asText()).isEqualTo("DELETE");
        urls.add(entry.path("request").path("url").asText());
      }));
      assertThat(deleted).allSatisfy(line -> assertThat(Exporter.tree(line).path("type").asText())
          .isEqualTo("transaction"));
      assertThat(urls).containsExactlyInAnyOrder(observations.get(0), observations.get(1));
    }
  }

  private TestServer start() {
    return start(ExportConfig.DEFAULT_SYNC);
  }

  private TestServer start(Duration sync) {
    ExportConfig exports = ExportConfig.builder().dir(dir.resolve("export")).fileMaxBytes(16 * 1024)
        .ttl(Duration.ofHours(1)).page(PAGE).sync(sync).build();
    return TestServer.start(dir.resolve("db"), ServerConfig.builder().exports(exports).build());
  }

  /** Updates, creates and deletes Observations until told to stop, a few milliseconds apart. */
  private static void write(TestServer server, List<String> observations, AtomicBoolean stop,
      AtomicInteger committed, CountDownLatch firstWrite) {
    for (int i = 0; !stop.get(); i++) {
      String id = observations.get(i % observations.size()).substring("Observation/".length());
      if (i % 3 == 0) {
        server.client().create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
            .setCode(new org.hl7.fhir.r4.model.CodeableConcept().setText("written during the export"))).execute();
      } else if (i % 3 == 1) {
        Observation current = server.client().read().resource(Observation.class).withId(id).execute();
        server.client().update().resource(current.setStatus(Observation.ObservationStatus.AMENDED)).execute();
      } else {
        server.http().send("DELETE", "/fhir/Observation/" + id, null);
      }
      committed.incrementAndGet();
      firstWrite.countDown();
      LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
    }
  }

  /** Waits until the export's run has recorded a cursor: it is in the middle. */
  private static void awaitCursor(TestServer server, String job) {
    long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < end) {
      Job now = server.store().jobs().read(job).orElseThrow();
      assertThat(now.status()).as("the export ended before it could be stopped").isNotEqualTo(Job.Status.DONE);
      if (now.cursor() != null) {
        return;
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
    throw new AssertionError("The export recorded no cursor");
  }
}
