package io.brazier.sync;

import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * An outage as a loop waits it out: one warning when it starts, and one line when it is over, saying after how long
 * and how many failed tries, so that a log that shows the wait also shows the recovery.
 */
final class Outage {
  private final Logger log;
  private final String waiting;
  private final String recovered;
  private int failures;
  private long startedNanos;

  /** {@code waiting} and {@code recovered} end "Sync ...": "cannot read the change feed", "reads the feed again". */
  Outage(Logger log, String waiting, String recovered) {
    this.log = log;
    this.waiting = waiting;
    this.recovered = recovered;
  }

  /** A try failed for {@code reason}; returns the failures in a row, for the backoff. */
  int failed(String reason) {
    failures++;
    if (failures == 1) {
      startedNanos = System.nanoTime();
      log.warn("Sync {}, retrying: {}", waiting, reason);
    }
    return failures;
  }

  /** A try succeeded: ends the outage, if there was one. */
  void over() {
    if (failures > 0) {
      Duration lasted = Duration.ofNanos(System.nanoTime() - startedNanos);
      log.info("Sync {} after {} failed tries over {} s", recovered, failures,
          String.format(Locale.ROOT, "%.1f", lasted.toMillis() / 1000.0));
      failures = 0;
    }
  }
}
