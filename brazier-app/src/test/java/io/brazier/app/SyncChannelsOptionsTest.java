package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.sync.Channels;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SyncChannelsOptionsTest {

  @Test
  void withoutTheirFlagsTheAgentReadsTheFeedAndWritesTables() {
    assertThat(channels()).isEqualTo(Channels.defaults());
  }

  @Test
  void dataverseGetsAzureAdClientCredentialsScopedToItsEnvironment() {
    Channels channels = channels("--sync-dataverse-url", "https://org.crm.dynamics.com/api/data/v9.2/",
        "--sync-dataverse-token-url", "https://login.microsoftonline.com/t/oauth2/v2.0/token",
        "--sync-dataverse-client-id", "app", "--sync-dataverse-client-secret", "secret", "--sync-dataverse-batch", "50");

    assertThat(channels.dataverse().credentials().scope()).isEqualTo("https://org.crm.dynamics.com/.default");
    assertThat(channels.dataverse().batchSize()).isEqualTo(50);
    assertThat(channels.queue()).isNull();
  }

  @Test
  void aRemoteDataverseWithoutCredentialsIsRefusedNamingTheFlags() {
    assertThatThrownBy(() -> channels("--sync-dataverse-url", "https://org.crm.dynamics.com/api/data/v9.2/"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--sync-dataverse-token-url");
    assertThatThrownBy(() -> channels("--sync-dataverse-url", "https://org.crm.dynamics.com/api/data/v9.2/",
        "--sync-dataverse-token-url", "https://login.microsoftonline.com/t/oauth2/v2.0/token"))
        .hasMessageContaining("--sync-dataverse-client-id");
  }

  @Test
  void theSyncQueueSourceTakesItsTopicAndGroup() {
    Channels channels = channels("--sync-source-kafka", "kafka:9092", "--sync-source-topic", "queue",
        "--sync-source-group", "crm");

    assertThat(channels.queue().servers()).isEqualTo("kafka:9092");
    assertThat(channels.queue().topic()).isEqualTo("queue");
    assertThat(channels.queue().group()).isEqualTo("crm");
  }

  private static Channels channels(String... flags) {
    String[] args = Stream.concat(Stream.of("sync"), Stream.of(flags)).toArray(String[]::new);
    SyncCommand command = (SyncCommand) Brazier.commandLine(new String[0]).parseArgs(args).subcommand()
        .commandSpec().userObject();
    return command.channels.channels();
  }
}
