package io.brazier.bench;

import java.time.Duration;
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

  /** What the publisher had published once it caught up, its delay p99, and when that was. */
  record Caught(double published, double delayP99Seconds, long nanoTime) {}

  /** Waits until the publisher has published {@code writes} messages, one per write of the load. */
  static Caught awaitCaughtUp(ServerProcess server, long writes, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String metrics = server.metrics();
      double published = value(metrics, "brazier_events_published_total\\{[^}]*topic=\"fhirevents\"[^}]*}");
      if (published >= writes) {
        return new Caught(published, delayP99(metrics), System.nanoTime());
      }
      sleep();
    }
    throw new IllegalStateException("The event publisher did not catch up within " + timeout);
  }

  /** The bound of the first bucket of the delay's histogram that holds 99 % of the writes, as Prometheus reads it. */
  static double delayP99(String metrics) {
    Matcher bucket = DELAY_BUCKET.matcher(metrics);
    double count = value(metrics, "brazier_events_delay_seconds_count");
    while (bucket.find()) {
      if (Double.parseDouble(bucket.group(2)) >= 0.99 * count) {
        return bucket.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bucket.group(1));
      }
    }
    return Double.NaN;
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
