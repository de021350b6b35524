package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class DataverseConfigTest {

  @Test
  void theWebApisUrlEndsWithASlashSoThatPathsResolveBelowIt() {
    assertThat(new DataverseConfig(URI.create("https://org.crm.dynamics.com/api/data/v9.2"), null).url())
        .hasToString("https://org.crm.dynamics.com/api/data/v9.2/");
  }

  @Test
  void plainHttpIsRefusedExceptOnTheLoopbackAddress() {
    assertThatThrownBy(() -> new DataverseConfig(URI.create("http://org.crm.dynamics.com/api/data/v9.2/"), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must use https");
    assertThat(new DataverseConfig(URI.create("http://127.0.0.1:8080/api/data/v9.2/"), null).batchSize())
        .isEqualTo(100);
  }

  @Test
  void aBatchOfMoreThanDataverseTakesIsRefused() {
    assertThatThrownBy(() -> new DataverseConfig(URI.create("https://org.crm.dynamics.com/"), null, 1001,
        java.time.Duration.ofMinutes(5))).hasMessageContaining("--sync-dataverse-batch");
  }
}
