package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.sync.map.MappingException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RetriesTest {
  private final SyncMetrics metrics = new SyncMetrics(new SimpleMeterRegistry());
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Retries retries = new Retries(3, metrics, running::get);
  private final List<Integer> attempts = new ArrayList<>();

  @Test
  void aStepThatSucceedsRunsOnce() throws Exception {
    String result = retries.run("reading Patient/1", attempt -> {
      attempts.add(attempt);
      return "done";
    });

    assertThat(result).isEqualTo("done");
    assertThat(attempts).containsExactly(1);
    assertThat(metrics.failures()).isZero();
  }

  @Test
  void aFailingStepIsRetriedUpToItsLastAttemptAndThenGivenUpWithTheLastFailure() {
    assertThatThrownBy(() -> retries.run("writing Patient/1", attempt -> {
      attempts.add(attempt);
      throw new SQLException("check constraint \"no_test\" violated, attempt " + attempt, "23514");
    })).isInstanceOfSatisfying(Retries.GaveUp.class, gaveUp -> {
      assertThat(gaveUp.attempts()).isEqualTo(3);
      assertThat(gaveUp.getMessage()).isEqualTo("check constraint \"no_test\" violated, attempt 3");
    });

    assertThat(attempts).containsExactly(1, 2, 3);
    assertThat(metrics.failures()).isEqualTo(3);
    assertThat(metrics.lastError()).startsWith("writing Patient/1: check constraint");
  }

  @Test
  void aStepThatSucceedsOnALaterAttemptKnowsItIsARetry() throws Exception {
    int result = retries.run("reading Patient/1", attempt -> {
      attempts.add(attempt);
      if (attempt < 2) {
        throw new IllegalStateException("a hiccup");
      }
      return attempt;
    });

    assertThat(result).isEqualTo(2);
    assertThat(metrics.failures()).isOne();
  }

  @Test
  void anOutageIsWaitedOutWithoutCountingAnAttempt() throws Exception {
    int result = retries.run("writing Patient/1", attempt -> {
      attempts.add(attempt);
      if (attempts.size() <= 4) {
        throw new SQLException("the database system is shutting down", "57P03");
      }
      return attempt;
    });

    assertThat(attempts).as("more tries than --sync-max-attempts, none counted").containsExactly(1, 1, 1, 1, 1);
    assertThat(result).isOne();
    assertThat(metrics.failures()).isZero();
  }

  @Test
  void aResourceItsMapCannotTakeIsGivenUpAtOnce() {
    assertThatThrownBy(() -> retries.run("mapping Patient/1", attempt -> {
      attempts.add(attempt);
      throw new MappingException("patient.json: attributes[0]: 'abc' is not an integer");
    })).isInstanceOfSatisfying(Retries.GaveUp.class, gaveUp -> assertThat(gaveUp.attempts()).isOne());

    assertThat(attempts).containsExactly(1);
  }

  @Test
  void aStoppingAgentStopsRetryingAndLeavesTheStepForItsNextStart() {
    assertThatThrownBy(() -> retries.run("writing Patient/1", attempt -> {
      attempts.add(attempt);
      running.set(false);
      throw new SQLException("connection refused", "08001");
    })).isInstanceOf(Retries.Stopped.class);

    assertThat(attempts).containsExactly(1);
  }
}
