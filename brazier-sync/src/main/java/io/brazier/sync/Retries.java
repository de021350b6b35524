package io.brazier.sync;

import io.brazier.sync.map.MappingException;
import io.brazier.sync.target.BackfillJobs;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a step of the agent until it succeeds: through an outage without counting (waiting up to 5 s between tries),
 * and through other failures with backoff, up to {@code maxAttempts}, after which it gives up. A change its map
 * cannot take fails the same way every time: it is given up at once. A failure the agent does not expect (a bug) is
 * retried like any other, and logged once with its stack trace.
 */
final class Retries {
  private static final Logger log = LoggerFactory.getLogger(Retries.class);

  private final int maxAttempts;
  private final SyncMetrics metrics;
  private final BooleanSupplier running;

  Retries(int maxAttempts, SyncMetrics metrics, BooleanSupplier running) {
    this.maxAttempts = maxAttempts;
    this.metrics = metrics;
    this.running = running;
  }

  /** A step; {@code attempt} counts from 1. */
  @FunctionalInterface
  interface Step<T> {
    T run(int attempt) throws Exception;
  }

  /** The step failed {@code attempts} times; the last failure is the cause. */
  static final class GaveUp extends Exception {
    private static final long serialVersionUID = 1L;

    private final int attempts;

    GaveUp(Exception cause, int attempts) {
      super(Failures.describeChange(cause), cause);
      this.attempts = attempts;
    }

    int attempts() {
      return attempts;
    }
  }

  /** The agent is stopping: what the step was doing is left for the next start. */
  static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("The sync agent is stopping", null, false, false);
    }
  }

  <T> T run(String what, Step<T> step) throws GaveUp {
    int attempt = 1;
    Outage outage = new Outage(log, "waits out an outage before " + what + " again", "goes on " + what);
    while (true) {
      if (!running.getAsBoolean()) {
        throw new Stopped();
      }
      try {
        T result = step.run(attempt);
        outage.over();
        return result;
      } catch (Stopped | InterruptedException e) {
        throw new Stopped();
      } catch (BackfillJobs.LostJob e) {
        throw e; // another agent has the job: nothing to retry
      } catch (MappingException e) {
        metrics.failed(e.getMessage());
        throw new GaveUp(e, attempt);
      } catch (Exception e) {
        if (Thread.currentThread().isInterrupted()) {
          throw new Stopped();
        }
        if (Failures.isOutage(e)) {
          pause(Failures.backoff(outage.failed(Failures.describe(e))));
          continue;
        }
        metrics.failed(what + ": " + Failures.describe(e));
        if (attempt == 1 && Failures.isUnexpected(e)) {
          log.error("Sync failed unexpectedly on {}; it is retried, then given up", what, e);
        }
        if (attempt >= maxAttempts) {
          throw new GaveUp(e, attempt);
        }
        log.debug("Sync attempt {} of {} failed, retrying: {}", attempt, what, Failures.describe(e));
        pause(Failures.backoff(attempt));
        attempt++;
      }
    }
  }

  private static void pause(Duration duration) {
    if (!Failures.sleep(duration)) {
      throw new Stopped();
    }
  }
}
