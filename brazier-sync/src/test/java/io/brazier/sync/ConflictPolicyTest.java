package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConflictPolicyTest {
  private static final Instant EARLIER = Instant.parse("2026-01-01T10:00:00Z");
  private static final Instant LATER = EARLIER.plusMillis(1);

  @Test
  void eachPolicyIsNamedByItsFlagAndAnyOtherNameIsRefusedSayingWhich() {
    for (ConflictPolicy policy : ConflictPolicy.values()) {
      assertThat(ConflictPolicy.named(policy.flag())).isEqualTo(policy);
    }
    assertThat(ConflictPolicy.NEWEST_WINS.flag()).isEqualTo("newest-wins");
    assertThatThrownBy(() -> ConflictPolicy.named("last-wins"))
        .hasMessage("--sync-conflicts must be fhir-wins, target-wins or newest-wins, not last-wins");
  }

  @Test
  void newestWinsGoesToWhicheverSideChangedLast() {
    assertThat(ConflictPolicy.NEWEST_WINS.targetWins(LATER, EARLIER)).isTrue();
    assertThat(ConflictPolicy.NEWEST_WINS.targetWins(EARLIER, LATER)).isFalse();
    assertThat(ConflictPolicy.FHIR_WINS.targetWins(LATER, EARLIER)).isFalse();
    assertThat(ConflictPolicy.TARGET_WINS.targetWins(EARLIER, LATER)).isTrue();
  }
}
