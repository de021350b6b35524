package io.brazier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.store.Job.Status;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobTest {

  @Test
  void eachStatusSurvivesItsStoredCode() {
    for (Status status : Status.values()) {
      assertThat(Status.of(status.code())).isEqualTo(status);
    }
    assertThat(Status.RUNNING.code()).isEqualTo("running");
    assertThatThrownBy(() -> Status.of("paused")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aJobHasFinishedWhenItIsDoneFailedOrCancelled() {
    assertThat(job(Status.QUEUED).finished()).isFalse();
    assertThat(job(Status.RUNNING).finished()).isFalse();
    assertThat(job(Status.DONE).finished()).isTrue();
    assertThat(job(Status.FAILED).finished()).isTrue();
    assertThat(job(Status.CANCELLED).finished()).isTrue();
  }

  private static Job job(Status status) {
    Instant now = Instant.now();
    return new Job("1", "export", "{}", null, status, 0, null, null, null, null, 0, null, null, now, now);
  }
}
