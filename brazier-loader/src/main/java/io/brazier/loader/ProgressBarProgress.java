package io.brazier.loader;

import io.brazier.loader.send.FileOutcome;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on the terminal: files (or an export's searches) done of all, with the ETA, resources, resources/s
 * and errors.
 */
public final class ProgressBarProgress implements Progress, ExportProgress {
  private final long started = System.nanoTime();
  private final String task;
  private final String unit;
  private final AtomicLong resources = new AtomicLong();
  private final AtomicInteger errors = new AtomicInteger();
  private final ProgressBarConsumer drawing;
  private ProgressBar bar;

  /** A load's bar: files. */
  public ProgressBarProgress() {
    this("Loading", " files");
  }

  /** @param unit what is counted, with a leading space: {@code " searches"} */
  public ProgressBarProgress(String task, String unit) {
    this(task, unit, null);
  }

  /** @param drawing where the bar is drawn; null for the terminal's standard error */
  ProgressBarProgress(String task, String unit, ProgressBarConsumer drawing) {
    this.task = task;
    this.unit = unit;
    this.drawing = drawing;
  }

  @Override
  public synchronized void start(int files) {
    ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(files).setUnit(unit, 1)
        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250).setMaxRenderedLength(120);
    bar = (drawing == null ? builder : builder.setConsumer(drawing)).build();
    render();
  }

  @Override
  public void entries(int answered) {
    resources.addAndGet(answered);
    render();
  }

  @Override
  public void file(FileOutcome outcome) {
    step(outcome.errors());
  }

  @Override
  public void resources(int written) {
    entries(written);
  }

  @Override
  public void searchDone(boolean failed) {
    step(failed ? 1 : 0);
  }

  private void step(int failed) {
    errors.addAndGet(failed);
    synchronized (this) {
      bar.step();
    }
    render();
  }

  private synchronized void render() {
    if (bar != null) {
      double seconds = Math.max(Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0, 0.001);
      bar.setExtraMessage(String.format(" %,d resources, %,.0f/s, %,d errors", resources.get(),
          resources.get() / seconds, errors.get()));
    }
  }

  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
