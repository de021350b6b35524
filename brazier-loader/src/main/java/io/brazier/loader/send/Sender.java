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
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests to the target, at most {@code concurrency} at once, and tries again what may pass later: 429 and
 * 503 after the server's {@code Retry-After} (or {@code x-ms-retry-after-ms}), 408, 500, 502, 504 and failures to
 * connect after an exponential backoff with jitter; never more than {@code maxRetries} times. A write the server
 * refuses to let this client make (401, 403) is never tried again: stopping after a refusal (the loader: a one-shot
 * load then ends, the watching service pauses) nothing more is sent after it, as every later write would be refused
 * alike, until {@link #resume}. Stopping after an outage too (a one-shot load), nothing more is sent once a request
 * could not reach the server on any attempt: every later request would spend its retries alike.
 */
public final class Sender {
  private static final Logger log = LoggerFactory.getLogger(Sender.class);
  private static final Set<Integer> TRY_AGAIN = Set.of(408, 429, 500, 502, 503, 504);
  private static final Duration LONGEST_WAIT = Duration.ofMinutes(2);

  private final FhirClient target;
  private final Semaphore permits;
  private final int maxRetries;
  private final Duration retryBase;
  private final StopSending stop;
  private final AtomicReference<Refused> refused = new AtomicReference<>();
  private final AtomicReference<Unreachable> outage = new AtomicReference<>();

  /** What stops all sending. */
  public enum StopSending { NEVER, AFTER_REFUSAL, AFTER_REFUSAL_OR_OUTAGE }

  /** A sender that goes on after a refused write (an export's searches, which judge a refused read themselves). */
  public Sender(FhirClient target, LoaderConfig config) {
    this(target, config, StopSending.NEVER);
  }

  public Sender(FhirClient target, LoaderConfig config, StopSending stop) {
    this.target = target;
    this.permits = new Semaphore(config.concurrency());
    this.maxRetries = config.maxRetries();
    this.retryBase = config.retryBase();
    this.stop = stop;
  }

  /** The first write the server refused to let this client make, if any. */
  public Optional<Refused> refused() {
    return Optional.ofNullable(refused.get());
  }

  /** The first request that could not reach the server on any attempt, if any. */
  public Optional<Unreachable> outage() {
    return Optional.ofNullable(outage.get());
  }

  /** Sends again after a refusal, as the rights may have come meanwhile; the next refused write stops it anew. */
  public void resume() {
    refused.set(null);
  }

  public int maxRetries() {
    return maxRetries;
  }

  /**
   * The server's last answer, which may still be a failure once the retries are spent.
   *
   * @throws Unreachable when the server could not be reached on any attempt (and, stopping after an outage, after it
   *     anything), or no token could be had for it
   * @throws Refused when the server refuses this client the write (and, stopping after a refusal, after it anything)
   */
  public FhirReply send(FhirCall call) throws Unreachable {
    if (stop != StopSending.NEVER && refused.get() != null) {
      throw refused.get();
    }
    if (stop == StopSending.AFTER_REFUSAL_OR_OUTAGE && outage.get() != null) {
      throw outage.get();
    }
    for (int attempt = 0; ; attempt++) {
      Optional<FhirReply> reply;
      IOException failure = null;
      try {
        reply = Optional.of(once(call));
      } catch (TokenRefused e) {
        throw refusal(new Refused(e.getMessage() + " Check --token-url, --client-id and --client-secret (and --scope"
            + " or --resource).", e)); // the same credentials would be refused again
      } catch (IOException e) {
        reply = Optional.empty();
        failure = e;
      }
      if (reply.isPresent() && isRefusedWrite(call, reply.get().status())) {
        throw refusal(Refused.of(target.name(), call, reply.get()));
      }
      if (reply.isPresent() && !mayPassLater(reply.get().status())) {
        return reply.get();
      }
      if (attempt == maxRetries) {
        if (reply.isPresent()) {
          return reply.get();
        }
        Unreachable unreachable = new Unreachable("The FHIR server could not be reached after " + (attempt + 1)
            + " attempts: " + failure.getMessage(), failure);
        outage.compareAndSet(null, unreachable);
        throw unreachable;
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

  /** Keeps the first refusal, which a sender that stops when refused answers to every later call. */
  private Refused refusal(Refused refusal) {
    refused.compareAndSet(null, refusal);
    return refusal;
  }

  /**
   * Whether the whole request was refused for who sent it: a write answered 401 (no token, or one refused) or 403 (a
   * right missing). A read's 401 or 403 is the caller's to judge (a load's probe, a search of a type one may not read).
   */
  private static boolean isRefusedWrite(FhirCall call, int status) {
    return (status == 401 || status == 403) && !call.method().equals("GET");
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
  public static class Unreachable extends Exception {
    public Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The server refused this client a write (401, 403), or its token endpoint the credentials: what to fix. */
  public static final class Refused extends Unreachable {
    Refused(String message, Throwable cause) {
      super(message, cause);
    }

    static Refused of(String server, FhirCall call, FhirReply reply) {
      return new Refused("The FHIR server at " + server + " answered " + reply.status() + " to a write ("
          + call.method() + ": " + reply.diagnostics() + "): " + (reply.status() == 401
              ? "it wants a token it accepts for writes. Give --token-url, --client-id and --client-secret (and"
                  + " --scope or --resource if its token endpoint asks for one), or check those given."
              : "the identity the loader writes as lacks the right to write there. Grant it write access (such"
                  + " as the FHIR Data Contributor role, or a write scope such as system/*.write asked for with"
                  + " --scope)."), null);
    }
  }
}
