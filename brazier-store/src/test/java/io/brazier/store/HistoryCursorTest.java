package io.brazier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A history page's cursor travels in a link as text and comes back as the same position. */
class HistoryCursorTest {

  @Test
  void aCursorSurvivesItsTextFormToTheMicrosecond() {
    HistoryCursor cursor = new HistoryCursor(Instant.parse("2024-05-01T10:00:00.123456Z"), 42, 7);

    HistoryCursor decoded = HistoryCursor.decode(cursor.encode());

    assertThat(cursor.encode()).isEqualTo("1714557600123456.42.7");
    assertThat(decoded).isEqualTo(cursor);
  }

  @Test
  void anInstantBeforeTheEpochSurvivesToo() {
    HistoryCursor cursor = new HistoryCursor(Instant.parse("1969-12-31T23:59:59.999001Z"), 1, 1);

    assertThat(HistoryCursor.decode(cursor.encode())).isEqualTo(cursor);
  }

  @Test
  void textThatIsNotACursorIsRefused() {
    assertThatThrownBy(() -> HistoryCursor.decode("1714557600123456.42")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a history cursor");
    assertThatThrownBy(() -> HistoryCursor.decode("a.b.c")).isInstanceOf(IllegalArgumentException.class);
  }
}
