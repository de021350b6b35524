package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QueueConfigTest {

  @Test
  void anEventHubsConnectionStringNamesItsNamespacesKafkaEndpoint() {
    QueueConfig config = new QueueConfig(null, "Endpoint=sb://brazier.servicebus.windows.net/;SharedAccessKeyName=a;"
        + "SharedAccessKey=b", "cdsupdates", "brazier-sync");

    assertThat(config.servers()).isEqualTo("brazier.servicebus.windows.net:9093");
  }

  @Test
  void aSourceWithNeitherServersNorConnectionStringIsRefusedNamingTheFlags() {
    assertThatThrownBy(() -> new QueueConfig(null, null, "cdsupdates", "brazier-sync"))
        .hasMessageContaining("--sync-source-kafka");
  }
}
