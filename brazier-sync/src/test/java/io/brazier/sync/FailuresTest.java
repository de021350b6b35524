package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.sync.source.SourceException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailuresTest {
  @Test
  void aServerUnreachableOrOverloadedIsAnOutageAndARefusalIsNot() {
    assertThat(Failures.isOutage(new SourceException(0, "connection refused"))).isTrue();
    assertThat(Failures.isOutage(new SourceException(429, "too many requests"))).isTrue();
    assertThat(Failures.isOutage(new SourceException(503, "unavailable"))).isTrue();

    assertThat(Failures.isOutage(new SourceException(400, "bad request"))).isFalse();
    assertThat(Failures.isOutage(new SourceException(500, "internal error"))).isFalse();
  }

  @Test
  void aTargetUnreachableShuttingDownOrTakingNoWritesIsAnOutageAndAConstraintIsNot() {
    assertThat(Failures.isOutage(new SQLTransientConnectionException("pool timed out"))).isTrue();
    assertThat(Failures.isOutage(new SQLException("connection failure", "08006"))).isTrue();
    assertThat(Failures.isOutage(new SQLException("too many connections", "53300"))).isTrue();
    assertThat(Failures.isOutage(new SQLException("admin shutdown", "57P01"))).isTrue();
    assertThat(Failures.isOutage(new SQLException("cannot execute INSERT in a read-only transaction", "25006")))
        .isTrue();

    assertThat(Failures.isOutage(new SQLException("check constraint violated", "23514"))).isFalse();
    assertThat(Failures.isOutage(new SQLException("no state"))).isFalse();
    assertThat(Failures.isOutage(new IllegalStateException("a bug"))).isFalse();
  }

  @Test
  void aFailureCausedByAnOutageIsOneWithinAsAMigrationWrapsItAndOthersAreNot() {
    RuntimeException migration = new IllegalStateException("Unable to obtain connection",
        new SQLException("Connection refused", "08001"));

    assertThat(Failures.isOutage(migration)).isFalse();
    assertThat(Failures.isOutageWithin(migration)).isTrue();
    assertThat(Failures.isOutageWithin(new IllegalStateException("column has another type",
        new SQLException("cannot alter type", "42804")))).isFalse();
  }

  @Test
  void theBackoffDoublesFrom100MillisecondsUpTo5Seconds() {
    assertThat(Failures.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(Failures.backoff(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(Failures.backoff(6)).isEqualTo(Duration.ofMillis(3_200));
    assertThat(Failures.backoff(7)).isEqualTo(Duration.ofSeconds(5));
    assertThat(Failures.backoff(1_000)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aFailureIsDescribedByItsMessageCutToALengthALogLineTakes() {
    assertThat(Failures.describe(new IllegalStateException("the target refused it"))).isEqualTo("the target refused it");
    assertThat(Failures.describe(new NullPointerException())).isEqualTo("NullPointerException");
    assertThat(Failures.describe(new IllegalStateException("x".repeat(5_000)))).hasSize(2_003).endsWith("...");
  }
}
