package io.brazier.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.client.Change;
import org.junit.jupiter.api.Test;

/**
 * A committed write as the event processors see it: its action named as the original's messages name it, and its
 * reference.
 */
class WrittenTest {

  @Test
  void eachChangeFeedActionIsTheWrittenActionOfTheSameMeaning() {
    assertThat(Written.Action.of(Change.Action.CREATE)).isEqualTo(Written.Action.CREATED);
    assertThat(Written.Action.of(Change.Action.UPDATE)).isEqualTo(Written.Action.UPDATED);
    assertThat(Written.Action.of(Change.Action.DELETE)).isEqualTo(Written.Action.DELETED);
  }

  @Test
  void publishEventMessagesNameTheActionInThePastTense() {
    assertThat(Written.Action.values()).extracting(Written.Action::eventName)
        .containsExactly("Created", "Updated", "Deleted");
  }

  @Test
  void syncQueueMessagesNameTheActionAsAVerb() {
    assertThat(Written.Action.values()).extracting(Written.Action::queueName)
        .containsExactly("Create", "Update", "Delete");
  }

  @Test
  void theReferenceIsTypeSlashId() {
    Written written = new Written(0, Written.Action.UPDATED, "Observation", "o-1", "3", "2026-12-06T05:00:00Z", null,
        null);

    assertThat(written.reference()).isEqualTo("Observation/o-1");
  }
}
