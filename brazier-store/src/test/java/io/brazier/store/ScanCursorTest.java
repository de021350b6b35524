package io.brazier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A scan's cursor keeps what the database keeps (microseconds), and survives its text form. */
class ScanCursorTest {

  @Test
  void aCursorKeepsMicrosecondsAndDropsWhatTheDatabaseWouldNotKeep() {
    ScanCursor cursor = new ScanCursor(Instant.parse("2024-05-01T10:00:00.123456789Z"), 9);

    assertThat(cursor.lastUpdated()).isEqualTo(Instant.parse("2024-05-01T10:00:00.123456Z"));
    assertThat(cursor).isEqualTo(new ScanCursor(Instant.parse("2024-05-01T10:00:00.123456Z"), 9));
  }

  @Test
  void aCursorSurvivesItsTextFormBeforeAndAfterTheEpoch() {
    ScanCursor after = new ScanCursor(Instant.parse("2024-05-01T10:00:00.000001Z"), 12);
    ScanCursor before = new ScanCursor(Instant.parse("1960-01-01T00:00:00.5Z"), 3);

    assertThat(after.encode()).isEqualTo("1714557600000001.12");
    assertThat(ScanCursor.decode(after.encode())).isEqualTo(after);
    assertThat(ScanCursor.decode(before.encode())).isEqualTo(before);
  }

  @Test
  void textThatIsNotACursorIsRefused() {
    assertThatThrownBy(() -> ScanCursor.decode("1714557600000001")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a scan cursor");
    assertThatThrownBy(() -> ScanCursor.decode("x.1")).isInstanceOf(IllegalArgumentException.class);
  }
}
