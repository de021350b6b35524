package io.brazier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.DateTimeRange;
import org.junit.jupiter.api.Test;

class HistoryQueryTest {

  @Test
  void aQueryWithoutARangeKeepsEveryVersion() {
    assertThat(new HistoryQuery("Patient", "1", null, null, null, 10).at()).isEqualTo(DateTimeRange.ALWAYS);
  }

  @Test
  void aPageOfNoVersionsIsRefused() {
    assertThatThrownBy(() -> new HistoryQuery(null, null, null, null, null, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one version, not 0");
  }
}
