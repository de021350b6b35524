package io.brazier.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the event publisher's figures from a server's /metrics: messages published, its checkpoint, and the p99 of
 * the delay from a write's commit to the broker's acknowledgement of its message (the publisher's lag per write), as
 * the upper bound of its histogram's bucket.
 */
final class EventsProbe {
  private static final Pattern DELAY_BUCKET =
      Pattern.compile("(?m)^brazier_events_delay_seconds_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*} ([0-9.eE+-]+)$");

  private EventsProbe() {}

  /** What the publisher had published once it caught up, its /metrics then, and when that was. */
  record Caught(double published, String metrics, long nanoTime) {

    /** The delay p99 of every write since the server started. */
    double delayP99Seconds() {
      return delayP99("", metrics);
    }
  }

  /** Waits until the publisher has published {@code writes} messages, one per write of the load. */
  static Caught awaitCaughtUp(ServerProcess server, long writes, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String metrics = server.metrics();
      double published = published(metrics);
      if (published >= writes) {
        return new Caught(published, metrics, System.nanoTime());
      }
      sleep();
    }
    throw new IllegalStateException("The event publisher did not catch up within " + timeout);
  }

  /** The messages published to the events topic, as {@code metrics} (a reading of /metrics) counts them. */
  static double published(String metrics) {
    return value(metrics, "brazier_events_published_total\\{[^}]*topic=\"fhirevents\"[^}]*}");
  }

  /**
   * The bound of the first bucket of the delay's histogram that holds 99 % of the writes recorded between two
   * readings of /metrics ({@code before} empty: since the start), as Prometheus reads it.
   */
  static double delayP99(String before, String after) {
    Map<String, Double> earlier = buckets(before);
    double count = value(after, "brazier_events_delay_seconds_count")
        - value(before, "brazier_events_delay_seconds_count");
    for (Map.Entry<String, Double> bucket : buckets(after).entrySet()) {
      if (bucket.getValue() - earlier.getOrDefault(bucket.getKey(), 0.0) >= 0.99 * count) {
        return bucket.getKey().equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bucket.getKey());
      }
    }
    return Double.NaN;
  }

  /** The delay histogram's cumulative buckets, by upper bound, in their order. */
  private static Map<String, Double> buckets(String metrics) {
    Map<String, Double> buckets = new LinkedHashMap<>();
    Matcher bucket = DELAY_BUCKET.matcher(metrics);
    while (bucket.find()) {
      buckets.put(bucket.group(1), Double.parseDouble(bucket.group(2)));
    }
    return buckets;
  }

  private static double value(String metrics, String name) {
    Matcher line = Pattern.compile("(?m)^" + name + " ([0-9.eE+-]+)$").matcher(metrics);
    return line.find() ? Double.parseDouble(line.group(1)) : 0;
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
