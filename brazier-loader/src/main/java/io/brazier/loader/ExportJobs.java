package io.brazier.loader;

import io.brazier.loader.export.Exporter;
import io.brazier.loader.storage.Storage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watching service's export jobs ({@code POST /loader/$alt-export}, {@code $alt-export-all}): each writes into
 * {@code export/[id]/} of the service's storage. At most {@code maxExports} run at once, whatever their kind,
 * counted across the loaders that share the storage. Jobs are recorded in the {@link ExportJournal}, read through
 * at every look, so that they outlive the process and every loader on the same storage lists the same jobs; one that
 * was running when its process died is listed as failed, interrupted. Ended jobs are purged {@code purgeAfter} after
 * they end (their files stay). A job is cancelled by the process that runs it.
 */
public final class ExportJobs implements AutoCloseable {
  public static final String FOLDER = "export";
  static final String INTERRUPTED = "Interrupted: the loader stopped while this export ran, and its files are"
      + " partial; start the export again";
  private static final Logger log = LoggerFactory.getLogger(ExportJobs.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
  private static final Duration START_WAIT = Duration.ofSeconds(10);

  /** Where a job is. */
  public enum State { RUNNING, COMPLETED, FAILED, CANCELED }

  /**
   * A job as the status lists it: what it exports ({@code input}) and from where ({@code source}); its report once
   * completed, the problem once failed.
   */
  public record Job(String id, Instant created, String input, String source, State state, Instant ended,
      ExportReport report, String problem) {
    Job end(State newState, Instant at, ExportReport newReport, String newProblem) {
      return new Job(id, created, input, source, newState, at, newReport, newProblem);
    }
  }

  /** More jobs would run at once than allowed. */
  public static final class TooMany extends Exception {
    TooMany(long running) {
      super("Unable to start the export: " + running + " exports are running, the most allowed at once"
          + " (--max-exports); try again when one has ended");
    }
  }

  private final ExportSources sources;
  private final Storage storage;
  private final ExportJournal journal;
  private final long fileMaxBytes;
  private final int maxExports;
  private final Duration purgeAfter;
  private final Clock clock;
  private final Map<String, Future<?>> running = new ConcurrentHashMap<>();
  private volatile boolean closing;
  private final ExecutorService threads = Executors.newCachedThreadPool(Loading.threads("export-job"));

  /** Opens the journal; the jobs it records as running that no process runs any more are ended, interrupted. */
  public ExportJobs(ExportSources sources, Storage storage, long fileMaxBytes, int maxExports, Duration purgeAfter,
      Clock clock) throws IOException {
    if (maxExports < 1) {
      throw new IllegalArgumentException("--max-exports must be at least 1, not " + maxExports);
    }
    this.sources = sources;
    this.storage = storage;
    this.journal = new ExportJournal(storage);
    this.fileMaxBytes = fileMaxBytes;
    this.maxExports = maxExports;
    this.purgeAfter = purgeAfter;
    this.clock = clock;
    journal.prepare();
    list();
  }

  /**
   * Starts the job; its id.
   *
   * @throws IllegalArgumentException when it names a source this loader may not read from, saying what to fix
   */
  public synchronized String start(ExportRequest request, ExportSource source) throws TooMany, IOException {
    Exporter exporter = sources.exporter(source);
    try (Storage.Claim starting = journal.starting(START_WAIT)) {
      long runningNow = runningNow();
      if (runningNow >= maxExports) {
        throw new TooMany(runningNow);
      }
      return start(request, exporter, source);
    }
  }

  /**
   * How many jobs run now across the loaders sharing the storage: the jobs whose lock is held. Told from the locks
   * alone, never the records, so that a start costs the same however many ended jobs the journal keeps.
   */
  private long runningNow() throws IOException {
    long count = 0;
    for (String id : journal.locked()) {
      if (running.containsKey(id) || journal.held(id)) {
        count++;
      }
    }
    return count;
  }

  private String start(ExportRequest request, Exporter exporter, ExportSource source) throws IOException {
    String id = UUID.randomUUID().toString();
    Storage.Claim lock = journal.lock(id).orElseThrow(() -> new IOException("export job " + id + " is locked"));
    Job job = new Job(id, clock.instant(), request.describe(), source.describe(), State.RUNNING, null, null, null);
    try {
      journal.write(job);
    } catch (IOException e) {
      journal.unlock(lock, id);
      throw e;
    }
    FutureTask<Void> task = new FutureTask<>(() -> run(job, exporter, request, lock), null);
    running.put(id, task); // before it runs, so that its end always finds it
    threads.execute(task);
    log.info("Export job started id={} request={} source={}", id, job.input(), job.source());
    return id;
  }

  private void run(Job job, Exporter exporter, ExportRequest request, Storage.Claim lock) {
    Job ended = outcome(job, exporter, request);
    synchronized (running) {
      // Before its end is recorded: once a caller can read that the job ended, no cancel claims to stop it.
      running.remove(job.id());
      if (Thread.interrupted()) { // cancelled as it ended, which the cancel was told; cleared for the journal
        ended = cancelled(job);
      }
    }
    try {
      journal.write(ended);
      journal.unlock(lock, job.id());
    } catch (IOException e) {
      log.error("Export job's end could not be recorded id={} state={}", job.id(), ended.state(), e);
    }
    log.info("Export job ended id={} state={}", job.id(), ended.state());
  }

  private Job outcome(Job job, Exporter exporter, ExportRequest request) {
    Job ended;
    try {
      ExportReport report = exporter.run(request, new ExportDestination(storage, FOLDER, job.id() + "/",
          fileMaxBytes), ExportProgress.none());
      ended = report.succeeded() ? job.end(State.COMPLETED, clock.instant(), report, null)
          : job.end(State.FAILED, clock.instant(), report, report.failedRequests()
              + " searches failed: see the error file");
    } catch (InterruptedException e) {
      ended = cancelled(job);
    } catch (ExportRefused e) { // a job comes from the endpoint's body: it names a setting by its field
      ended = job.end(State.FAILED, clock.instant(), null, e.naming(ExportBodies::field));
    } catch (IOException e) {
      ended = job.end(State.FAILED, clock.instant(), null, e.getMessage());
    } catch (RuntimeException e) {
      log.error("Export job failed unexpectedly id={}", job.id(), e);
      ended = job.end(State.FAILED, clock.instant(), null, "Internal error: " + e.getMessage());
    }
    return ended;
  }

  /** Cancelled by a caller, or interrupted because the loader stops. */
  private Job cancelled(Job job) {
    return closing ? job.end(State.FAILED, clock.instant(), null, INTERRUPTED)
        : job.end(State.CANCELED, clock.instant(), null, null);
  }

  /**
   * Every recorded job, newest first: ended ones older than the purge age are purged first, and running ones that
   * no process runs any more are ended, interrupted.
   */
  public List<Job> list() throws IOException {
    Instant oldest = clock.instant().minus(purgeAfter);
    List<Job> jobs = new ArrayList<>();
    for (Job job : journal.read()) {
      if (job.ended() != null && job.ended().isBefore(oldest)) {
        journal.delete(job.id());
        log.info("Export job purged id={} ended={}", job.id(), job.ended());
      } else {
        jobs.add(checked(job));
      }
    }
    jobs.sort(Comparator.comparing(Job::created).reversed());
    return jobs;
  }

  public Optional<Job> job(String id) throws IOException {
    Optional<Job> job = journal.read(id);
    return job.isPresent() ? Optional.of(checked(job.get())) : job;
  }

  /** The job, ended as interrupted when it is recorded running but no process holds its lock. */
  private Job checked(Job job) throws IOException {
    if (job.state() != State.RUNNING || running.containsKey(job.id()) || journal.held(job.id())) {
      return job;
    }
    Optional<Job> now = journal.read(job.id()); // a job records its end before it lets go of its lock
    if (now.isEmpty() || now.get().state() != State.RUNNING) {
      return now.orElse(job);
    }
    Job interrupted = job.end(State.FAILED, clock.instant(), null, INTERRUPTED);
    journal.write(interrupted);
    log.warn("Export job was interrupted by its loader's end id={} created={}", job.id(), job.created());
    return interrupted;
  }

  /** Cancels a job this process runs (its partial files are dropped); false when it runs none such. */
  public boolean cancel(String id) {
    synchronized (running) {
      Future<?> job = running.get(id);
      return job != null && job.cancel(true);
    }
  }

  /**
   * Interrupts the running jobs and waits a while for them to record their end, so that none writes after the
   * loader has stopped.
   */
  @Override
  public void close() {
    closing = true;
    threads.shutdownNow();
    try {
      if (!threads.awaitTermination(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        log.warn("Export jobs still running {} after the loader stopped them: {}", CLOSE_WAIT, running.keySet());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
