package io.brazier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangeQueryTest {

  @Test
  void aResumedQueryAsksTheSameFromItsNewStart() {
    ChangeQuery query = new ChangeQuery(5, Set.of("Patient"), 20, Duration.ofSeconds(3), true);

    ChangeQuery resumed = query.resumedAfter(42);

    assertThat(resumed).isEqualTo(new ChangeQuery(42, Set.of("Patient"), 20, Duration.ofSeconds(3), true));
  }

  @Test
  void afterAsksForEveryTypeAtOnceWithoutResources() {
    assertThat(ChangeQuery.after(7, 100))
        .isEqualTo(new ChangeQuery(7, Set.of(), 100, Duration.ZERO, false));
  }

  @Test
  void theTypesAreACopyTheCallerCannotChangeAfterwards() {
    Set<String> types = new HashSet<>(Set.of("Patient"));
    ChangeQuery query = new ChangeQuery(0, types, 1, Duration.ZERO, false);

    types.add("Observation");

    assertThat(query.types()).containsExactly("Patient");
  }

  @Test
  void aNegativeStartNoChangesOrANegativeWaitAreRefusedWithTheirValue() {
    assertThatThrownBy(() -> ChangeQuery.after(-1, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("since must be 0 or more, not -1");
    assertThatThrownBy(() -> ChangeQuery.after(0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("count must be at least 1, not 0");
    assertThatThrownBy(() -> new ChangeQuery(0, Set.of(), 1, Duration.ofMillis(-1), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWait must not be negative");
  }
}
