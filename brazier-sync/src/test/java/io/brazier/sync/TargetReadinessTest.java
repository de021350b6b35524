package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TargetReadinessTest {
  private final AtomicInteger preparations = new AtomicInteger();
  private final TargetReadiness readiness = new TargetReadiness(preparations::incrementAndGet);

  @Test
  void aTargetNotReachedYetCannotBeUsedAndIsPreparedOnceWhenItIs() throws Exception {
    assertThatThrownBy(readiness::require).isInstanceOf(SQLTransientConnectionException.class)
        .hasMessage("The sync target cannot be used now: it has not been reached yet");

    readiness.prepare();
    readiness.prepare();
    readiness.require();

    assertThat(preparations).hasValue(1);
    assertThat(readiness.error()).isNull();
  }

  @Test
  void aTargetThatFailedSaysWhyUntilItIsUsedAgain() throws Exception {
    readiness.prepare();

    String why = readiness.unusable(new SQLTransientConnectionException("Connection to crm-db:5432 refused"));

    assertThat(readiness.error()).isEqualTo(why).contains("Connection to crm-db:5432 refused");
    assertThatThrownBy(readiness::require).hasMessageContaining("Connection to crm-db:5432 refused");

    readiness.usable();

    assertThat(readiness.error()).isNull();
    readiness.require();
  }

  @Test
  void aPreparationThatFailsIsTriedAgainNextTime() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    TargetReadiness failingOnce = new TargetReadiness(() -> {
      if (tries.incrementAndGet() == 1) {
        throw new SQLTransientConnectionException("refused");
      }
    });

    assertThatThrownBy(failingOnce::prepare).hasMessage("refused");
    failingOnce.prepare();
    failingOnce.prepare();

    assertThat(tries).hasValue(2);
  }
}
