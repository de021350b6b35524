package io.brazier.server.export;

import io.brazier.server.ExportConfig;
import io.brazier.server.operation.JobJson;
import io.brazier.store.Job;
import io.brazier.store.JobStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes exports once they expire ({@code --export-ttl} after they ended, plus the storage's grace for downloads
 * that started before), files and job alike, and files that no job owns any more (a cancelled export's, or one
 * whose job is gone); never while this node serves one of its files. Every node sweeps; deleting twice is harmless.
 */
final class ExportSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExportSweeper.class);

  private final JobStore jobs;
  private final ExportStorage storage;
  private final Readers readers;
  private final Duration kept;
  private final String container;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "brazier-export-sweeper");
    thread.setDaemon(true);
    return thread;
  });

  ExportSweeper(JobStore jobs, ExportStorage storage, Readers readers, ExportConfig config) {
    this.jobs = jobs;
    this.storage = storage;
    this.readers = readers;
    this.kept = config.ttl().plus(storage.grace());
    this.container = config.container();
  }

  /** Sweeps every tenth of the time exports are kept: at least every second, at most every ten minutes. */
  ExportSweeper start() {
    long every = Math.max(1_000, Math.min(Duration.ofMinutes(10).toMillis(), kept.toMillis() / 10));
    timer.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    return this;
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      log.warn("Export sweep failed, trying again later: {}", e.getMessage());
    }
  }

  void sweep() {
    for (String expired : jobs.ended(ExportJob.KIND, kept)) {
      Optional<Job> job = jobs.read(expired);
      if (job.isPresent() && !readers.reading(expired)) {
        storage.delete(ExportFolder.of(JobJson.read(job.get().request(), ExportRequest.class), expired, container));
        jobs.delete(expired);
        log.info("Export expired and deleted job={}", expired);
      }
    }
    for (ExportFolder folder : storage.folders()) {
      Optional<Job> owner = jobs.read(folder.job());
      if ((owner.isEmpty() || owner.get().status() == Job.Status.CANCELLED) && !readers.reading(folder.job())) {
        storage.delete(folder);
        log.info("Export files without a job deleted job={}", folder.job());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
