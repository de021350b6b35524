package io.brazier.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Why something the agent reads (the source, its checkpoint in the target) cannot be read now, or writes (the workers'
 * checkpoint) cannot be written, and since its first failure: for the status at once, and for the health once it
 * has failed without a break for a grace.
 */
final class FailingReads {
  private final Clock clock;
  /** What fails, as the health says it: {@code cannot be read}, {@code cannot be written}. */
  private final String what;
  /** The latest failure's reason, and when the reads began to fail; null while they work. */
  private volatile Failure failure;

  private record Failure(String reason, Instant since) {}

  FailingReads(Clock clock) {
    this(clock, "cannot be read");
  }

  FailingReads(Clock clock, String what) {
    this.clock = clock;
    this.what = what;
  }

  /** A read failed, for {@code reason}: an outage the reader waits out. */
  void failed(String reason) {
    Failure failing = failure;
    failure = new Failure(reason, failing == null ? clock.instant() : failing.since());
  }

  /** A read worked: whatever kept the reads from working is over. */
  void read() {
    failure = null;
  }

  /** Why the reads fail now; null while they work. */
  String error() {
    Failure failing = failure;
    return failing == null ? null : failing.reason();
  }

  /**
   * Why this counts as down, saying since when: its reads have failed without a break for {@code grace} or longer;
   * null otherwise. A failed read or two is a blip the reader retries through, no reason for a load balancer to take
   * the agent out.
   */
  String down(Duration grace) {
    Failure failing = failure;
    if (failing == null) {
      return null;
    }
    Duration failedFor = Duration.between(failing.since(), clock.instant());
    if (failedFor.compareTo(grace) < 0) {
      return null;
    }
    return what + " since " + failing.since().truncatedTo(ChronoUnit.MILLIS) + " (" + failedFor.toSeconds()
        + " s): " + failing.reason();
  }
}
