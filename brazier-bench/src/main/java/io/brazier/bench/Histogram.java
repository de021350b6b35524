package io.brazier.bench;

import java.util.Arrays;

/** Latencies in nanoseconds, kept whole: a run records at most a few million, and exact percentiles beat buckets. */
final class Histogram {
  private long[] values = new long[1024];
  private int count;

  void record(long nanos) {
    if (count == values.length) {
      values = Arrays.copyOf(values, count * 2);
    }
    values[count++] = nanos;
  }

  void add(Histogram other) {
    for (int i = 0; i < other.count; i++) {
      record(other.values[i]);
    }
  }

  int count() {
    return count;
  }

  /** The latency below which {@code p} percent of the requests fell. */
  long percentile(double p) {
    if (count == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    return sorted[(int) Math.min(count - 1, Math.ceil(p / 100 * count) - 1)];
  }
}
