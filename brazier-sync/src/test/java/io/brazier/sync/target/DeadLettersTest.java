package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The changes given up on, on a real PostgreSQL: kept in feed order until a replay applies them. */
class DeadLettersTest extends OnTargetDatabase {
  @Test
  void lettersAreListedInTheOrderTheirChangesCameWhateverTheOrderTheyFailedIn() throws Exception {
    add(letter(30, "Observation", "o3", 2), letter(10, "Patient", "p1", null), letter(20, "Observation", "o2", 1));

    List<DeadLetter> letters = list(null, 10);

    assertThat(letters).extracting(DeadLetter::sequence).containsExactly(10L, 20L, 30L);
    assertThat(letters.get(0).version()).isNull();
    assertThat(letters.get(0).failedAt()).isNotNull();
    assertThat(letters.get(1)).satisfies(letter -> {
      assertThat(letter.id()).isPositive();
      assertThat(letter.type() + "/" + letter.resourceId()).isEqualTo("Observation/o2");
      assertThat(letter.version()).isEqualTo(1);
      assertThat(letter.partition()).isEqualTo("Patient/p1");
    });
  }

  @Test
  void oneLetterIsListedByItsIdAndTheListStopsAtTheLimit() throws Exception {
    add(letter(1, "Patient", "a", 1), letter(2, "Patient", "b", 1), letter(3, "Patient", "c", 1));
    long second = list(null, 10).get(1).id();

    assertThat(list(second, 10)).extracting(DeadLetter::resourceId).containsExactly("b");
    assertThat(list(null, 2)).extracting(DeadLetter::resourceId).containsExactly("a", "b");
    assertThat(list(Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void aReplayThatFailsAgainCountsTheAttemptAndKeepsTheLatestErrorWordForWord() throws Exception {
    add(letter(1, "Patient", "a", 1));
    DeadLetter letter = list(null, 1).get(0);
    String error = "msemr_contact.msemr_name: 'Zoë – 日本' is too long " + "x".repeat(5000);

    database.transaction(connection -> {
      DeadLetters.failedAgain(connection, letter.id(), error);
      return null;
    });

    DeadLetter again = list(letter.id(), 1).get(0);
    assertThat(again.attempts()).isEqualTo(letter.attempts() + 1);
    assertThat(again.error()).isEqualTo(error);
    assertThat(again.failedAt()).isAfterOrEqualTo(letter.failedAt());
  }

  @Test
  void lettersAReplayAppliedAreGoneAndTheOthersStay() throws Exception {
    add(letter(1, "Patient", "a", 1), letter(2, "Patient", "b", 1), letter(3, "Patient", "c", 1));
    List<DeadLetter> letters = list(null, 10);

    database.transaction(connection -> {
      DeadLetters.resolve(connection, List.of(letters.get(0).id(), letters.get(2).id()));
      DeadLetters.resolve(connection, List.of());
      return null;
    });

    assertThat(list(null, 10)).extracting(DeadLetter::resourceId).containsExactly("b");
    assertThat(database.transaction(DeadLetters::count)).isOne();
  }

  private void add(DeadLetter... letters) throws Exception {
    database.transaction(connection -> {
      DeadLetters.add(connection, List.of(letters));
      return null;
    });
  }

  private List<DeadLetter> list(Long id, int limit) throws Exception {
    return database.transaction(connection -> DeadLetters.list(connection, id, limit));
  }

  private static DeadLetter letter(long sequence, String type, String id, Integer version) {
    return new DeadLetter(0, "fhir", sequence, type, id, version, "upsert", "Patient/p1", 3,
        "the map cannot take it", null);
  }
}
