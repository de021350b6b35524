package io.brazier.loader.send;

import io.brazier.client.FhirCall;
import io.brazier.client.FhirReply;
import io.brazier.client.FhirClient;
import io.brazier.client.RetryAfter;
import io.brazier.client.TokenRefused;
import io.brazier.loader.LoaderConfig;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests to the target, at most {@code concurrency} at once, and tries again what may pass later: 429 and
 * 503 after the server's {@code Retry-After} (or {@code x-ms-retry-after-ms}), 408, 500, 502, 504 and failures to
 * connect after an exponential backoff with jitter; never more than {@code maxRetries} times.
 */
public final class Sender {
  private static final Logger log = LoggerFactory.getLogger(Sender.class);
  private static final Set<Integer> TRY_AGAIN = Set.of(408, 429, 500, 502, 503, 504);
  private static final Duration LONGEST_WAIT = Duration.ofMinutes(2);

  private final FhirClient target;
  private final Semaphore permits;
  private final int maxRetries;
  private final Duration retryBase;

  public Sender(FhirClient target, LoaderConfig config) {
    this.target = target;
    this.permits = new Semaphore(config.concurrency());
    this.maxRetries = config.maxRetries();
    this.retryBase = config.retryBase();
  }

  public int maxRetries() {
    return maxRetries;
  }

  /**
   * The server's last answer, which may still be a failure once the retries are spent.
   *
   * @throws Unreachable when the server could not be reached on any attempt, or no token could be had for it
   */
  public FhirReply send(FhirCall call) throws Unreachable {
    for (int attempt = 0; ; attempt++) {
      Optional<FhirReply> reply;
      IOException failure = null;
      try {
        reply = Optional.of(once(call));
      } catch (TokenRefused e) {
        throw new Unreachable(e.getMessage(), e); // the same credentials would be refused again
      } catch (IOException e) {
        reply = Optional.empty();
        failure = e;
      }
      if (reply.isPresent() && !mayPassLater(reply.get().status())) {
        return reply.get();
      }
      if (attempt == maxRetries) {
        if (reply.isPresent()) {
          return reply.get();
        }
        throw new Unreachable("The FHIR server could not be reached after " + (attempt + 1) + " attempts: "
            + failure.getMessage(), failure);
      }
      Duration wait = reply.flatMap(Sender::retryAfter).orElse(backoff(attempt + 1));
      log.debug("Trying again call={} status={} waitMs={}", call, reply.map(FhirReply::status).orElse(0),
          wait.toMillis());
      sleep(wait);
    }
  }

  /** Whether a request answered with this status may pass later: the statuses tried again. */
  static boolean mayPassLater(int status) {
    return TRY_AGAIN.contains(status);
  }

  private FhirReply once(FhirCall call) throws IOException {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted before sending " + call);
    }
    try {
      return target.send(call);
    } finally {
      permits.release();
    }
  }

  /** The wait before attempt {@code n} (1, 2, ...): the base doubled each time, 20 % either way, two minutes at most. */
  public Duration backoff(int n) {
    double factor = Math.pow(2, n - 1) * ThreadLocalRandom.current().nextDouble(0.8, 1.2);
    long millis = (long) Math.min(retryBase.toMillis() * factor, LONGEST_WAIT.toMillis());
    return Duration.ofMillis(millis);
  }

  /** What a 429 or 503 asks: seconds or an HTTP date in Retry-After, or Azure's milliseconds. */
  static Optional<Duration> retryAfter(FhirReply reply) {
    Optional<Duration> wait = reply.header("x-ms-retry-after-ms").flatMap(Sender::millis);
    if (wait.isEmpty()) {
      wait = reply.header("Retry-After").flatMap(RetryAfter::parse);
    }
    return wait.map(duration -> duration.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : duration);
  }

  private static Optional<Duration> millis(String value) {
    try {
      return Optional.of(Duration.ofMillis(Math.max(0, Long.parseLong(value.strip()))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  public static void sleep(Duration wait) throws Unreachable {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("Interrupted while waiting to try again", e);
    }
  }

  /** The server could not be reached, its token endpoint refused the credentials, or the loader was stopped. */
  public static final class Unreachable extends Exception {
    public Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
