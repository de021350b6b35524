package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.loader.ExportJobs.Job;
import io.brazier.loader.ExportJobs.State;
import io.brazier.loader.storage.FolderStorage;
import io.brazier.loader.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export jobs' journal in a folder: records that outlive the process, and locks that die with it. */
class ExportJournalTest {
  private static final Instant CREATED = Instant.parse("2026-12-05T23:00:00.123456Z");

  @TempDir
  Path dir;

  private ExportJournal journal;

  @BeforeEach
  void prepare() throws IOException {
    journal = new ExportJournal(new FolderStorage(dir));
    journal.prepare();
  }

  @Test
  void aCompletedJobReadsBackAsItWasWrittenReportAndAll() throws IOException {
    ExportReport report = new ExportReport(Instant.parse("2026-12-05T23:01:00Z"), "file:///out/manifest.json",
        List.of(new ExportFile("Patient", "file:///out/Patient-1.ndjson", 3),
            new ExportFile("Observation", "file:///out/Observation-1.ndjson", 120)),
        List.of(new ExportFile("OperationOutcome", "file:///out/errors.ndjson", 1)), 123, 4,
        Map.of("Observation", 2L), Duration.ofMillis(4567));
    Job job = new Job(UUID.randomUUID().toString(), CREATED, "Patient?_id=ünïcode", "https://fhir.example/r4",
        State.COMPLETED, CREATED.plusSeconds(60), report, null);

    journal.write(job);

    assertThat(journal.read(job.id())).contains(job);
    assertThat(journal.read()).containsExactly(job);
  }

  @Test
  void aRunningJobWithoutEndOrReportAndAFailedOneWithItsProblemReadBack() throws IOException {
    Job running = job(State.RUNNING);
    Job failed = job(State.FAILED).end(State.FAILED, CREATED.plusSeconds(5), null, "The server answered 503.");

    journal.write(running);
    journal.write(failed);

    assertThat(journal.read()).containsExactlyInAnyOrder(running, failed);
    assertThat(journal.read(running.id()).orElseThrow().ended()).isNull();
    assertThat(journal.read(failed.id()).orElseThrow().problem()).isEqualTo("The server answered 503.");
  }

  @Test
  void aRecordCutShortOrMangledIsLeftOutAndTheOthersStillRead() throws IOException {
    Job good = job(State.RUNNING);
    journal.write(good);
    String cut = UUID.randomUUID().toString();
    String mangled = UUID.randomUUID().toString();
    Files.writeString(exports().resolve(cut + ".json"), "{\"id\":\"" + cut + "\",\"created\":\"2026-");
    Files.writeString(exports().resolve(mangled + ".json"), "{\"id\":\"" + mangled + "\",\"created\":\"yesterday\","
        + "\"state\":\"RUNNING\"}");

    List<Job> jobs = journal.read();

    assertThat(jobs).containsExactly(good);
    assertThat(journal.read(cut)).isEmpty();
    assertThat(journal.read(mangled)).isEmpty();
  }

  @Test
  void idsThatAreNotJobIdsAreNeverLookedUpSoNoPathCanEscapeTheJournal() throws IOException {
    Files.writeString(dir.resolve("secret.json"), "{}");

    assertThat(journal.read("../../secret")).isEmpty();
    assertThat(journal.read(UUID.randomUUID().toString())).isEmpty();
  }

  @Test
  void aJobsLockIsHeldWhileItsProcessRunsAndFreeOnceItsClaimIsClosed() throws IOException {
    String id = UUID.randomUUID().toString();
    Optional<Storage.Claim> lock = journal.lock(id);
    ExportJournal otherLoader = new ExportJournal(new FolderStorage(dir));

    boolean heldWhileRunning = otherLoader.held(id);
    assertThat(otherLoader.lock(id)).as("a second loader cannot take a running job's lock").isEmpty();
    lock.orElseThrow().close();

    assertThat(heldWhileRunning).isTrue();
    assertThat(otherLoader.held(id)).as("a job whose process died is interrupted").isFalse();
    assertThat(exports().resolve(id + ".lock")).as("the free lock is dropped").doesNotExist();
  }

  @Test
  void theLockedJobsAreTheirLocksNotTheRecordsNorTheStartLock() throws IOException {
    journal.write(job(State.COMPLETED));
    journal.write(job(State.RUNNING)); // its process died before it locked
    String running = UUID.randomUUID().toString();

    try (Storage.Claim lock = journal.lock(running).orElseThrow();
        Storage.Claim starting = journal.starting(Duration.ofSeconds(5))) {
      assertThat(journal.locked()).containsExactly(running);
    }
  }

  @Test
  void aJobWhoseProcessDiedBeforeItLockedIsNotHeld() throws IOException {
    assertThat(journal.held(UUID.randomUUID().toString())).isFalse();
  }

  @Test
  void theStartLockWaitsForAnotherLoaderThenSaysWhatHappened() throws IOException {
    ExportJournal otherLoader = new ExportJournal(new FolderStorage(dir));
    Storage.Claim starting = otherLoader.starting(Duration.ofSeconds(5));

    assertThatThrownBy(() -> journal.starting(Duration.ofMillis(100))).isInstanceOf(IOException.class)
        .hasMessageContaining("Another loader sharing " + dir.toAbsolutePath())
        .hasMessageContaining("try again");
    starting.close();
    try (Storage.Claim mine = journal.starting(Duration.ofSeconds(5))) {
      assertThat(mine).isNotNull();
    }
  }

  @Test
  void aDeletedJobLeavesNeitherRecordNorLock() throws IOException {
    Job job = job(State.CANCELED);
    journal.write(job);
    journal.lock(job.id()).orElseThrow().close();

    journal.delete(job.id());

    assertThat(journal.read()).isEmpty();
    assertThat(exports()).isDirectoryNotContaining(path -> path.getFileName().toString().startsWith(job.id()));
  }

  private Path exports() {
    return dir.resolve(ExportJournal.IN_FOLDER);
  }

  private static Job job(State state) {
    return new Job(UUID.randomUUID().toString(), CREATED, "Patient", "https://fhir.example/r4", state, null, null,
        null);
  }
}
