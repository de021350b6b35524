package io.brazier.loader;

import io.brazier.loader.send.FileOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * The loader's counters, as Prometheus metrics ({@code brazier_loader_files_total{outcome,storage}}, {@code
 * brazier_loader_entries_total}, {@code brazier_loader_queued}) and as the status: the rate is over the last minute.
 */
final class LoaderMetrics {
  private static final long MINUTE = 60_000_000_000L;

  private final MeterRegistry registry;
  private final String storage;
  private final Counter entries;
  private final Counter loaded;
  private final Counter failed;
  private final Deque<long[]> recent = new ArrayDeque<>(); // {nanoTime, entries}

  /** @param storage {@code folder} or {@code blob}: a tag on every meter, so that two services count apart */
  LoaderMetrics(MeterRegistry registry, String storage, Supplier<Number> queued) {
    this.registry = registry;
    this.storage = storage;
    this.entries = Counter.builder("brazier.loader.entries").description("Entries answered by the server")
        .tag("storage", storage).register(registry);
    this.loaded = Counter.builder("brazier.loader.resources").tags("outcome", "loaded", "storage", storage)
        .register(registry);
    this.failed = Counter.builder("brazier.loader.resources").tags("outcome", "failed", "storage", storage)
        .register(registry);
    Gauge.builder("brazier.loader.queued", queued).description("Files settled and waiting").tag("storage", storage)
        .register(registry);
  }

  void file(String outcome) {
    Counter.builder("brazier.loader.files").tags("outcome", outcome, "storage", storage).register(registry)
        .increment();
  }

  void outcome(FileOutcome outcome) {
    file(outcome.isSplit() ? "split" : outcome.succeeded() ? "processed" : "failed");
    loaded.increment(outcome.loaded());
    failed.increment(outcome.failed());
  }

  synchronized void entries(int answered) {
    entries.increment(answered);
    recent.addLast(new long[] {System.nanoTime(), answered});
  }

  synchronized LoaderStatus status(long queued, int loading) {
    long now = System.nanoTime();
    while (!recent.isEmpty() && now - recent.peekFirst()[0] > MINUTE) {
      recent.removeFirst();
    }
    long lastMinute = recent.stream().mapToLong(sample -> sample[1]).sum();
    double seconds = recent.isEmpty() ? 1 : Math.max(1, (now - recent.peekFirst()[0]) / 1e9);
    return new LoaderStatus(queued, loading, count("processed"), count("failed"), (long) loaded.count(),
        (long) failed.count(), lastMinute / seconds);
  }

  private long count(String outcome) {
    Counter counter = registry.find("brazier.loader.files").tags("outcome", outcome, "storage", storage).counter();
    return counter == null ? 0 : (long) counter.count();
  }
}
