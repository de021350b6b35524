package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What an export of one type accepts, and the sentence that says what to fix when it does not. */
class TypeExportTest {
  private static final Instant NEW_YEAR = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void anOpenRangeIsDescribedFromTheStartUntilTheExportsStart() {
    TypeExport request = new TypeExport("Observation", null, null, 4, 1000);

    assertThat(request.types()).containsExactly("Observation");
    assertThat(request.describe()).isEqualTo("Observation updated from the start until the export's start in 4"
        + " slices");
  }

  @Test
  void aClosedRangeIsDescribedByItsBounds() {
    TypeExport request = new TypeExport("Patient", NEW_YEAR, NEW_YEAR.plusSeconds(1), 1, 1);

    assertThat(request.describe()).isEqualTo("Patient updated from 2026-01-01T00:00:00Z until"
        + " 2026-01-01T00:00:01Z in 1 slices");
  }

  @Test
  void eitherBoundAloneIsAccepted() {
    assertThat(new TypeExport("Patient", NEW_YEAR, null, 1, 1).since()).isEqualTo(NEW_YEAR);
    assertThat(new TypeExport("Patient", null, NEW_YEAR, 1, 1).till()).isEqualTo(NEW_YEAR);
  }

  @Test
  void anEmptyRangeIsRefused() {
    assertThatThrownBy(() -> new TypeExport("Patient", NEW_YEAR, NEW_YEAR, 1, 1))
        .hasMessage("--since must be before --till");
  }

  @Test
  void theTypeMustBeAResourceTypeNotASearchOrAnythingElse() {
    assertThatThrownBy(() -> new TypeExport("Observation?", null, null, 1, 1))
        .hasMessage("--type takes a resource type such as Observation, not Observation?");
    assertThatThrownBy(() -> new TypeExport("observation", null, null, 1, 1))
        .hasMessageContaining("--type must be a search").hasMessageEndingWith("not observation");
    assertThatThrownBy(() -> new TypeExport("Patient/1", null, null, 1, 1))
        .hasMessageContaining("--type must be a search");
    assertThatThrownBy(() -> new TypeExport(null, null, null, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("not null");
  }

  @Test
  void parallelSlicesStayBetweenOneAndAHundred() {
    assertThat(new TypeExport("Patient", null, null, 100, 1).parallel()).isEqualTo(100);
    assertThatThrownBy(() -> new TypeExport("Patient", null, null, 0, 1))
        .hasMessage("--parallel must be between 1 and 100, not 0");
    assertThatThrownBy(() -> new TypeExport("Patient", null, null, 101, 1))
        .hasMessage("--parallel must be between 1 and 100, not 101");
  }

  @Test
  void aSearchIntervalIsPositiveAndGoesWithParallelSlices() {
    assertThat(new TypeExport("Patient", null, null, 4, 1, Duration.ofMinutes(1)).resolution())
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(new TypeExport("Patient", null, null, 4, 1).resolution()).isEqualTo(TypeExport.FINEST);
    assertThatThrownBy(() -> new TypeExport("Patient", null, null, 4, 1, Duration.ZERO))
        .hasMessage("--search-interval must be positive");
    assertThatThrownBy(() -> new TypeExport("Patient", null, null, 1, 1, Duration.ofMinutes(1)))
        .hasMessage("--search-interval only cuts slices: give --parallel above 1 with it");
  }

  @Test
  void aPageHoldsAtLeastOneResource() {
    assertThatThrownBy(() -> new TypeExport("Patient", null, null, 1, 0))
        .hasMessage("--page-size must be at least 1, not 0");
  }
}
