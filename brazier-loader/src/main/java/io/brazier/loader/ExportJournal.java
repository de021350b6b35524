package io.brazier.loader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.loader.ExportJobs.Job;
import io.brazier.loader.ExportJobs.State;
import io.brazier.loader.send.Json;
import io.brazier.loader.storage.FolderStorage;
import io.brazier.loader.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export jobs' journal, beside the loader's own: a JSON record per job, {@code [id].json} in {@code
 * .loader/exports} of the watched folder (in the {@code loaderexports} container of a Blob account), rewritten whole
 * at each change, so that the jobs outlive the process. A running job also holds a claim on {@code [id].lock}: an
 * operating-system lock, or a Blob lease, that dies with its process. A job recorded running whose lock is free was
 * interrupted.
 */
final class ExportJournal {
  static final String IN_FOLDER = ".loader/exports";
  static final String IN_BLOB = "loaderexports";
  private static final String STARTING = "starting.lock";
  private static final String LOCK = ".lock";
  private static final Duration STARTING_POLL = Duration.ofMillis(20);
  private static final Logger log = LoggerFactory.getLogger(ExportJournal.class);

  private final Storage storage;
  private final String folder;

  ExportJournal(Storage storage) {
    this.storage = storage;
    this.folder = storage instanceof FolderStorage ? IN_FOLDER : IN_BLOB;
  }

  void prepare() throws IOException {
    storage.prepare(List.of(folder));
    if (storage.list(folder).stream().noneMatch(stored -> stored.name().equals(STARTING))) {
      storage.write(folder, STARTING, new byte[0]); // never rewritten: a Blob lease on it would refuse the write
    }
  }

  /**
   * Holds the journal's start lock, for one loader at a time to count the running jobs and record a new one, so
   * that loaders sharing the storage never start more together than allowed; waits up to {@code wait} for it.
   */
  Storage.Claim starting(Duration wait) throws IOException {
    Storage.Stored lock = new Storage.Stored(STARTING, 0, Instant.EPOCH);
    Instant deadline = Instant.now().plus(wait);
    while (true) {
      Optional<Storage.Claim> claim = storage.claim(folder, lock);
      if (claim.isPresent()) {
        claim.get().finish(); // a start lock is taken again and again: its attempts are not worth counting
        return claim.get();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("Another loader sharing " + storage.describe() + " has been starting an export for"
            + " over " + wait.toSeconds() + " s; try again");
      }
      try {
        Thread.sleep(STARTING_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted while waiting for the export journal's start lock", e);
      }
    }
  }

  void write(Job job) throws IOException {
    storage.write(folder, job.id() + ".json", Json.pretty(toJson(job)));
  }

  /** Every recorded job; a record that cannot be read is logged and left out. */
  List<Job> read() throws IOException {
    List<Job> jobs = new ArrayList<>();
    for (Storage.Stored stored : storage.list(folder)) {
      if (stored.name().endsWith(".json")) {
        read(stored.name().substring(0, stored.name().length() - ".json".length())).ifPresent(jobs::add);
      }
    }
    return jobs;
  }

  Optional<Job> read(String id) throws IOException {
    if (!id.matches("[0-9a-f-]{36}")) {
      return Optional.empty();
    }
    Path local;
    try {
      local = storage.local(folder, id + ".json");
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(fromJson(Json.parse(Files.readAllBytes(local))));
    } catch (NoSuchFileException e) {
      return Optional.empty(); // purged meanwhile
    } catch (IOException | RuntimeException e) {
      log.warn("Export job record unreadable, left out id={} problem={}", id, e.getMessage());
      return Optional.empty();
    } finally {
      storage.release(local);
    }
  }

  /** Holds the job's lock while it runs; empty when another process holds it. */
  Optional<Storage.Claim> lock(String id) throws IOException {
    storage.write(folder, id + LOCK, new byte[0]);
    return storage.claim(folder, new Storage.Stored(id + LOCK, 0, Instant.EPOCH));
  }

  /**
   * The ids of the jobs that have a lock: the running ones, and any whose process died while it ran. A listing of
   * names only: no record is read.
   */
  List<String> locked() throws IOException {
    return storage.list(folder).stream().map(Storage.Stored::name)
        .filter(name -> name.endsWith(LOCK) && !name.equals(STARTING))
        .map(name -> name.substring(0, name.length() - LOCK.length())).toList();
  }

  /** Whether a job recorded running is still run by some process: it holds its lock. */
  boolean held(String id) throws IOException {
    Optional<Storage.Claim> claim;
    try {
      claim = storage.claim(folder, new Storage.Stored(id + LOCK, 0, Instant.EPOCH));
    } catch (NoSuchFileException e) {
      return false; // its process died before it locked
    }
    if (claim.isEmpty()) {
      return true;
    }
    unlock(claim.get(), id);
    return false;
  }

  /** Lets go of a job's lock and drops it. */
  void unlock(Storage.Claim claim, String id) throws IOException {
    try (claim) {
      claim.finish();
    }
    storage.delete(folder, id + LOCK);
  }

  void delete(String id) throws IOException {
    storage.delete(folder, id + ".json");
    storage.delete(folder, id + LOCK);
  }

  private static ObjectNode toJson(Job job) {
    ObjectNode json = Json.object().put("id", job.id()).put("created", job.created().toString())
        .put("input", job.input()).put("source", job.source()).put("state", job.state().name());
    if (job.ended() != null) {
      json.put("ended", job.ended().toString());
    }
    if (job.problem() != null) {
      json.put("problem", job.problem());
    }
    if (job.report() != null) {
      json.set("report", toJson(job.report()));
    }
    return json;
  }

  private static ObjectNode toJson(ExportReport report) {
    ObjectNode json = Json.object().put("transactionTime", report.transactionTime().toString())
        .put("manifest", report.manifest()).put("resources", report.resources()).put("repeats", report.repeats())
        .put("elapsedMillis", report.elapsed().toMillis());
    report.output().forEach(file -> json.withArray("output").addObject().put("type", file.type())
        .put("url", file.url()).put("count", file.count()));
    report.errors().forEach(file -> json.withArray("errors").addObject().put("type", file.type())
        .put("url", file.url()).put("count", file.count()));
    report.changedAfter().forEach(json.putObject("changedAfter")::put);
    return json;
  }

  private static Job fromJson(JsonNode json) {
    return new Job(json.path("id").asText(), Instant.parse(json.path("created").asText()),
        json.path("input").asText(), json.path("source").asText(), State.valueOf(json.path("state").asText()),
        json.hasNonNull("ended") ? Instant.parse(json.path("ended").asText()) : null,
        json.has("report") ? report(json.path("report")) : null, json.path("problem").asText(null));
  }

  private static ExportReport report(JsonNode json) {
    Map<String, Long> changed = new LinkedHashMap<>();
    json.path("changedAfter").fields().forEachRemaining(field -> changed.put(field.getKey(),
        field.getValue().asLong()));
    return new ExportReport(Instant.parse(json.path("transactionTime").asText()), json.path("manifest").asText(),
        files(json.path("output")), files(json.path("errors")), json.path("resources").asLong(),
        json.path("repeats").asLong(), changed, Duration.ofMillis(json.path("elapsedMillis").asLong()));
  }

  private static List<ExportFile> files(JsonNode array) {
    List<ExportFile> files = new ArrayList<>();
    array.forEach(file -> files.add(new ExportFile(file.path("type").asText(), file.path("url").asText(),
        file.path("count").asLong())));
    return files;
  }
}
