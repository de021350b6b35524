package io.brazier.loader.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.loader.export.Slices.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlicesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void windowsJoinIntoAtMostParallelSlicesThatCoverTheRangeWithoutGaps() {
    List<Window> windows = windows(5, 0, 7, 1, 0, 0, 9, 3, 3, 2);

    List<Window> slices = Slices.join(windows, 30, 4);

    assertThat(slices).hasSizeLessThanOrEqualTo(4).hasSizeGreaterThan(1);
    assertThat(slices.get(0).start()).isEqualTo(T0);
    assertThat(slices.get(slices.size() - 1).end()).isEqualTo(T0.plusSeconds(10));
    for (int i = 1; i < slices.size(); i++) {
      assertThat(slices.get(i).start()).as("slice %d starts where the one before ends", i)
          .isEqualTo(slices.get(i - 1).end());
    }
    assertThat(slices.stream().mapToLong(Window::count).sum()).isEqualTo(30);
  }

  @Test
  void equalWindowsShareEvenly() {
    List<Window> slices = Slices.join(windows(2, 2, 2, 2, 2, 2, 2, 2), 16, 4);

    assertThat(slices).extracting(Window::count).containsExactly(4L, 4L, 4L, 4L);
  }

  @Test
  void aWindowSearchesItsHalfOpenRange() {
    Window window = new Window(T0, T0.plusMillis(1500), 3);

    assertThat(window.search("Observation"))
        .isEqualTo("Observation?_lastUpdated=ge2026-01-01T00:00:00Z&_lastUpdated=lt2026-01-01T00:00:01.500Z");
    assertThat(new Window(null, T0, 0).search("Observation")).isEqualTo("Observation?_lastUpdated=lt" + T0);
  }

  @Test
  void aWindowIsHalvedOnTheResolution() {
    assertThat(Slices.halfOn(Duration.ofSeconds(10), Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(Slices.halfOn(Duration.ofSeconds(10), Duration.ofMillis(1))).isEqualTo(Duration.ofSeconds(5));
    assertThat(Slices.halfOn(Duration.ofMillis(3), Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
  }

  /** Consecutive one-second windows with these counts. */
  private static List<Window> windows(long... counts) {
    List<Window> windows = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      windows.add(new Window(T0.plusSeconds(i), T0.plusSeconds(i + 1), counts[i]));
    }
    return windows;
  }
}
