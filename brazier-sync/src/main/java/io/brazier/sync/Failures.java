package io.brazier.sync;

import io.brazier.sync.map.MappingException;
import io.brazier.sync.source.SourceException;
import io.brazier.sync.target.FhirReplica;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.postgresql.util.PSQLException;

/**
 * How the agent tells failures apart. An outage (the FHIR server or the target database unreachable, overloaded or
 * taking no writes) is nobody's change's fault: the agent waits it out, counting no attempt, and loses nothing. Any
 * other failure counts against the change, which is retried with backoff and dead-lettered after
 * {@code --sync-max-attempts}.
 */
final class Failures {
  private static final Duration FIRST = Duration.ofMillis(100);
  private static final Duration MOST = Duration.ofSeconds(5);

  private Failures() {}

  static boolean isOutage(Throwable e) {
    if (e instanceof FhirReplica.Failed replica) {
      return isOutage(replica.getCause()); // the FHIR target unreachable is an outage like the source's
    }
    if (e instanceof SourceException source) {
      return source.status() == 0 || source.status() == 429 || source.status() == 503;
    }
    if (e instanceof SQLTransientConnectionException) {
      return true;
    }
    if (e instanceof SQLException sql) {
      String state = sql.getSQLState() == null ? "" : sql.getSQLState();
      // 08: connection; 53: resources (too many connections, disk full); 57P: shut down or restarting; 25006: no
      // writes taken now (a standby after a failover, a database made read-only for maintenance).
      return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.equals("25006");
    }
    return false;
  }

  /** Whether {@code e}, or a failure that caused it (the pool's, the migration's), is an outage. */
  static boolean isOutageWithin(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (isOutage(cause)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code e} is a failure none of the agent's parts throws on purpose (a bug, an answer it cannot read): it
   * fails its change like any other, and is also worth an error with its stack trace.
   */
  static boolean isUnexpected(Throwable e) {
    return e instanceof RuntimeException && !(e instanceof MappingException || e instanceof FhirReplica.Failed);
  }

  /** An unexpected failure in a sentence that names it ({@code NullPointerException: ...}), to tell it for a bug. */
  static String describeUnexpected(Throwable e) {
    return e.getClass().getSimpleName() + ": " + describe(e);
  }

  /** A change's failure in a sentence, for its dead letter: an unexpected one names its exception. */
  static String describeChange(Throwable e) {
    return isUnexpected(e) ? describeUnexpected(e) : describe(e);
  }

  /** The wait before attempt {@code attempt + 1}: doubling from 100 ms, at most 5 s. */
  static Duration backoff(int attempt) {
    long millis = FIRST.toMillis() << Math.min(attempt - 1, 10);
    return Duration.ofMillis(Math.min(millis, MOST.toMillis()));
  }

  /** Sleeps, or returns false when interrupted (the agent is stopping). */
  static boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * A failure in a sentence. A database error is the server's message alone: what the driver adds (the statement of
   * a batch, the failing row's detail) holds the row's values, patient data that logs and dead letters must not keep.
   */
  static String describe(Throwable e) {
    Throwable failure = e instanceof SQLException sql && sql.getNextException() != null ? sql.getNextException() : e;
    if (failure instanceof PSQLException postgres && postgres.getServerErrorMessage() != null) {
      return postgres.getServerErrorMessage().getMessage() + " (SQL state " + postgres.getSQLState() + ")";
    }
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    return message.length() > 2000 ? message.substring(0, 2000) + "..." : message;
  }
}
