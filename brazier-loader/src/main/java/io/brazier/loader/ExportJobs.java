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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watching service's export jobs ({@code POST /loader/$alt-export}, {@code $alt-export-all}): each writes into
 * {@code export/[id]/} of the service's storage. At most {@code maxExports} run at once, whatever their kind; ended
 * jobs are forgotten {@code purgeAfter} after they end (their files stay). Jobs live in this node's memory: a node
 * lists, limits and cancels its own.
 */
public final class ExportJobs implements AutoCloseable {
  public static final String FOLDER = "export";
  private static final Logger log = LoggerFactory.getLogger(ExportJobs.class);

  /** Where a job is. */
  public enum State { RUNNING, COMPLETED, FAILED, CANCELED }

  /** A job as the status lists it: its report once completed, the problem once failed. */
  public record Job(String id, Instant created, ExportRequest request, State state, Instant ended,
      ExportReport report, String problem) {
    Job end(State newState, Instant at, ExportReport newReport, String newProblem) {
      return new Job(id, created, request, newState, at, newReport, newProblem);
    }
  }

  /** More jobs would run at once than allowed. */
  public static final class TooMany extends Exception {
    TooMany(int running) {
      super("Unable to start the export: " + running + " exports are running, the most allowed at once"
          + " (--max-exports); try again when one has ended");
    }
  }

  private final Exporter exporter;
  private final Storage storage;
  private final long fileMaxBytes;
  private final int maxExports;
  private final Duration purgeAfter;
  private final Clock clock;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Map<String, Future<?>> running = new ConcurrentHashMap<>();
  private final ExecutorService threads = Executors.newCachedThreadPool(Loading.threads("export-job"));

  public ExportJobs(Exporter exporter, Storage storage, long fileMaxBytes, int maxExports, Duration purgeAfter,
      Clock clock) {
    if (maxExports < 1) {
      throw new IllegalArgumentException("--max-exports must be at least 1, not " + maxExports);
    }
    this.exporter = exporter;
    this.storage = storage;
    this.fileMaxBytes = fileMaxBytes;
    this.maxExports = maxExports;
    this.purgeAfter = purgeAfter;
    this.clock = clock;
  }

  /** Starts the job; its id. */
  public synchronized String start(ExportRequest request) throws TooMany {
    if (running.size() >= maxExports) {
      throw new TooMany(running.size());
    }
    String id = UUID.randomUUID().toString();
    jobs.put(id, new Job(id, clock.instant(), request, State.RUNNING, null, null, null));
    FutureTask<Void> task = new FutureTask<>(() -> run(id, request), null);
    running.put(id, task); // before it runs, so that its end always finds it
    threads.execute(task);
    return id;
  }

  private void run(String id, ExportRequest request) {
    Job ended;
    try {
      ExportReport report = exporter.run(request, new ExportDestination(storage, FOLDER, id + "/", fileMaxBytes),
          ExportProgress.none());
      ended = report.succeeded() ? end(id, State.COMPLETED, report, null)
          : end(id, State.FAILED, report, report.failedRequests() + " searches failed: see the error file");
    } catch (InterruptedException e) {
      ended = end(id, State.CANCELED, null, null);
    } catch (ExportRefused | IOException e) {
      ended = end(id, State.FAILED, null, e.getMessage());
    } catch (RuntimeException e) {
      log.error("Export job failed unexpectedly id={}", id, e);
      ended = end(id, State.FAILED, null, "Internal error: " + e.getMessage());
    }
    if (Thread.currentThread().isInterrupted()) { // cancelled while a search was failing
      ended = end(id, State.CANCELED, null, null);
    }
    jobs.put(id, ended);
    running.remove(id);
    log.info("Export job ended id={} state={}", id, ended.state());
  }

  private Job end(String id, State state, ExportReport report, String problem) {
    return jobs.get(id).end(state, clock.instant(), report, problem);
  }

  /** Every job this node knows, newest first; ended ones older than the purge age are forgotten first. */
  public List<Job> list() {
    Instant oldest = clock.instant().minus(purgeAfter);
    jobs.values().removeIf(job -> job.ended() != null && job.ended().isBefore(oldest));
    List<Job> all = new ArrayList<>(jobs.values());
    all.sort(Comparator.comparing(Job::created).reversed());
    return all;
  }

  public Optional<Job> job(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Cancels a running job (its partial files are dropped); false when no such job runs. */
  public boolean cancel(String id) {
    Future<?> job = running.get(id);
    return job != null && job.cancel(true);
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
