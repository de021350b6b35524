package io.brazier.loader;

import io.brazier.loader.send.FileOutcome;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on the terminal: files done of all (with the ETA), resources, resources/s and errors. */
public final class ProgressBarProgress implements Progress {
  private final long started = System.nanoTime();
  private final AtomicLong resources = new AtomicLong();
  private final AtomicInteger errors = new AtomicInteger();
  private ProgressBar bar;

  @Override
  public synchronized void start(int files) {
    bar = new ProgressBarBuilder().setTaskName("Loading").setInitialMax(files).setUnit(" files", 1)
        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
        .setMaxRenderedLength(120).build();
    render();
  }

  @Override
  public void entries(int answered) {
    resources.addAndGet(answered);
    render();
  }

  @Override
  public void file(FileOutcome outcome) {
    errors.addAndGet(outcome.failed() + (outcome.succeeded() || outcome.failed() > 0 ? 0 : 1));
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
