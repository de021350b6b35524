package io.brazier.loader;

import io.brazier.loader.send.FileOutcome;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress as log lines, for a load or export whose output is not a terminal: a line every interval, and each failed
 * file.
 */
public final class LogProgress implements Progress, ExportProgress {
  private static final Logger log = LoggerFactory.getLogger(LogProgress.class);

  private final long started = System.nanoTime();
  private final AtomicLong resources = new AtomicLong();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger errors = new AtomicInteger();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Loading.threads("progress"));
  private final Duration interval;
  private final String task;
  private final String unit;
  private volatile int files;

  /** A load's log lines: {@code Loading files=3/10 ...}. */
  public LogProgress(Duration interval) {
    this(interval, "Loading", "files");
  }

  public LogProgress(Duration interval, String task, String unit) {
    this.interval = interval;
    this.task = task;
    this.unit = unit;
  }

  @Override
  public void start(int count) {
    files = count;
    timer.scheduleAtFixedRate(this::report, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void entries(int answered) {
    resources.addAndGet(answered);
  }

  @Override
  public void file(FileOutcome outcome) {
    done.incrementAndGet();
    errors.addAndGet(outcome.errors());
    if (!outcome.succeeded()) {
      log.warn("File not fully loaded file={} failed={}", outcome.name(), outcome.failed());
    }
  }

  @Override
  public void resources(int written) {
    resources.addAndGet(written);
  }

  @Override
  public void searchDone(boolean failed) {
    done.incrementAndGet();
    errors.addAndGet(failed ? 1 : 0);
  }

  private void report() {
    double seconds = Math.max((System.nanoTime() - started) / 1e9, 0.001);
    log.info("{} {}={}/{} resources={} resourcesPerSecond={} errors={}", task, unit, done.get(), files,
        resources.get(), Math.round(resources.get() / seconds), errors.get());
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      // A line being written as the load ends would otherwise follow whatever the caller prints next.
      timer.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
