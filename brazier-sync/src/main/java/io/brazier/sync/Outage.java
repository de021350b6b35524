package io.brazier.sync;

import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * An outage as a loop waits it out: one warning when it starts, at most one line a minute while it lasts, saying for
 * how long and how many tries failed, and one line when it is over, so that a log that shows the wait also shows the
 * recovery, and a long outage does not fill the log with a line per try.
 */
final class Outage {
  static final Duration SUMMARY_EVERY = Duration.ofMinutes(1);

  private final Logger log;
  private final String waiting;
  private final String recovered;
  private final LongSupplier nanos;
  private int failures;
  private long startedNanos;
  private long saidNanos;

  /** {@code waiting} and {@code recovered} end "Sync ...": "cannot read the change feed", "reads the feed again". */
  Outage(Logger log, String waiting, String recovered) {
    this(log, waiting, recovered, System::nanoTime);
  }

  /** As above, with the time read from {@code nanos} (as {@link System#nanoTime}). */
  Outage(Logger log, String waiting, String recovered, LongSupplier nanos) {
    this.log = log;
    this.waiting = waiting;
    this.recovered = recovered;
    this.nanos = nanos;
  }

  /** A try failed for {@code reason}; returns the failures in a row, for the backoff. */
  int failed(String reason) {
    failures++;
    long now = nanos.getAsLong();
    if (failures == 1) {
      startedNanos = now;
      saidNanos = now;
      log.warn("Sync {}, retrying: {}", waiting, reason);
    } else if (now - saidNanos >= SUMMARY_EVERY.toNanos()) {
      saidNanos = now;
      log.warn("Sync {}, for {} s now after {} failed tries, retrying: {}", waiting, seconds(now - startedNanos),
          failures, reason);
    }
    return failures;
  }

  /** A try succeeded: ends the outage, if there was one. */
  void over() {
    if (failures > 0) {
      log.info("Sync {} after {} failed tries over {} s", recovered, failures,
          seconds(nanos.getAsLong() - startedNanos));
      failures = 0;
    }
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f", Duration.ofNanos(nanos).toMillis() / 1000.0);
  }
}
