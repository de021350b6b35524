package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeTest {

  @Test
  void aChangeNamesItsResourceAsAReference() {
    assertThat(change("2026-12-05T05:00:00Z").reference()).isEqualTo("Observation/o-1");
  }

  @Test
  void itsTimeIsTheInstantTheFeedWroteInAnyOffsetAndToTheMillisecond() {
    assertThat(change("2026-12-05T07:00:00.120+02:00").at()).isEqualTo(Instant.parse("2026-12-05T05:00:00.120Z"));
    assertThat(change("2026-12-05T05:00:00Z").at()).isEqualTo(Instant.parse("2026-12-05T05:00:00Z"));
    assertThat(change("2026-12-05T07:00:00.120+02:00").lastModified()).as("kept as written")
        .isEqualTo("2026-12-05T07:00:00.120+02:00");
  }

  @Test
  void aChangeWithoutATimeHasNoInstant() {
    assertThat(change(null).at()).isNull();
  }

  @Test
  void aPageKeepsItsOwnCopyOfTheChanges() {
    List<Change> changes = new ArrayList<>(List.of(change(null)));
    ChangePage page = new ChangePage(changes, 42, false);

    changes.clear();

    assertThat(page.changes()).hasSize(1);
    assertThatThrownBy(() -> page.changes().add(change(null))).isInstanceOf(UnsupportedOperationException.class);
  }

  private static Change change(String lastModified) {
    return new Change(41, "Observation", "o-1", 3, Change.Action.UPDATE, null, lastModified, null);
  }
}
