package io.brazier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.store.Change.Action;
import org.junit.jupiter.api.Test;

/** What a change did follows from the version it wrote; its one-letter code is how the change table keeps it. */
class ChangeTest {

  @Test
  void theFirstVersionCreatesADeletionDeletesAndAnyOtherUpdates() {
    assertThat(Action.of(1, false)).isEqualTo(Action.CREATE);
    assertThat(Action.of(2, false)).isEqualTo(Action.UPDATE);
    assertThat(Action.of(2, true)).isEqualTo(Action.DELETE);
    assertThat(Action.of(1, true)).as("a resource deleted as it is first written").isEqualTo(Action.DELETE);
  }

  @Test
  void eachActionSurvivesItsCode() {
    for (Action action : Action.values()) {
      assertThat(Action.of(action.code())).isEqualTo(action);
    }
    assertThat(Action.values()).extracting(Action::code).containsExactly('C', 'U', 'D');
  }

  @Test
  void anUnknownCodeIsRefused() {
    assertThatThrownBy(() -> Action.of('X')).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown change action X");
  }
}
