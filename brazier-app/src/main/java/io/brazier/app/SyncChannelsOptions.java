package io.brazier.app;

import io.brazier.client.ClientCredentials;
import io.brazier.sync.Channels;
import io.brazier.sync.DataverseConfig;
import io.brazier.sync.QueueConfig;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where the sync agent writes rows and reads changes when not the defaults, the same in {@code brazier serve --sync}
 * and {@code brazier sync}: Dataverse's Web API for the rows, a Kafka topic (or Event Hub) of {@code sync-queue}
 * messages for the changes.
 */
final class SyncChannelsOptions {

  @Option(names = "--sync-dataverse-url", paramLabel = "URL",
      description = "Write the rows to Dataverse's Web API, https://org.crm.dynamics.com/api/data/v9.2/ (the"
          + " agent's bookkeeping stays in the target database). Default: tables in the target database.")
  URI dataverseUrl;

  @Option(names = "--sync-dataverse-token-url", paramLabel = "URL",
      description = "OAuth2 token endpoint for Dataverse, https://login.microsoftonline.com/<tenant>/oauth2/v2.0/"
          + "token (default: no token, for a local service only).")
  URI dataverseTokenUrl;

  @Option(names = "--sync-dataverse-client-id", description = "Client id of the agent's app registration.")
  String dataverseClientId;

  @Option(names = "--sync-dataverse-client-secret",
      description = "Its secret (prefer BRAZIER_SYNC_DATAVERSE_CLIENT_SECRET).")
  String dataverseClientSecret;

  @Option(names = "--sync-dataverse-scope",
      description = "The scope asked for (default: the environment's URL and /.default).")
  String dataverseScope;

  @Option(names = "--sync-dataverse-batch", defaultValue = "100",
      description = "Requests per $batch change set (default: ${DEFAULT-VALUE}; Dataverse takes up to 1000).")
  int dataverseBatch;

  @Option(names = "--sync-source-kafka", paramLabel = "HOST:PORT[,HOST:PORT]",
      description = "Read changes from a Kafka topic of sync-queue messages (brazier serve --events"
          + " --sync-queue-types ...) instead of the change feed. Default: the change feed.")
  String sourceKafka;

  @Option(names = "--sync-source-connection-string", paramLabel = "CONNECTION_STRING",
      description = "Read them from an Azure Event Hub through its Kafka endpoint, with this connection string"
          + " (prefer BRAZIER_SYNC_SOURCE_CONNECTION_STRING).")
  String sourceConnectionString;

  @Option(names = "--sync-source-topic", defaultValue = "cdsupdates", paramLabel = "TOPIC",
      description = "The topic (or Event Hub) of sync-queue messages (default: ${DEFAULT-VALUE}).")
  String sourceTopic;

  @Option(names = "--sync-source-group", defaultValue = "brazier-sync", paramLabel = "GROUP",
      description = "The consumer group whose offsets record what is applied (default: ${DEFAULT-VALUE}).")
  String sourceGroup;

  /**
   * What the options ask for.
   *
   * @throws IllegalArgumentException when they do not go together, naming the flags to fix
   */
  Channels channels() {
    DataverseConfig dataverse = null;
    if (dataverseUrl != null) {
      dataverse = new DataverseConfig(dataverseUrl, credentials(), dataverseBatch, Duration.ofMinutes(5));
    } else if (dataverseTokenUrl != null || dataverseClientId != null || dataverseClientSecret != null) {
      throw new IllegalArgumentException("--sync-dataverse-token-url, -client-id and -client-secret need"
          + " --sync-dataverse-url");
    }
    QueueConfig queue = sourceKafka == null && sourceConnectionString == null ? null
        : new QueueConfig(sourceKafka, sourceConnectionString, sourceTopic, sourceGroup);
    return new Channels(dataverse, queue);
  }

  private ClientCredentials.Config credentials() {
    if (dataverseTokenUrl == null) {
      if (!dataverseUrl.getHost().equals("127.0.0.1") && !dataverseUrl.getHost().equals("localhost")) {
        throw new IllegalArgumentException("--sync-dataverse-url needs --sync-dataverse-token-url,"
            + " --sync-dataverse-client-id and --sync-dataverse-client-secret (Azure AD client credentials)");
      }
      return null;
    }
    if (dataverseClientId == null || dataverseClientSecret == null) {
      throw new IllegalArgumentException("--sync-dataverse-token-url needs --sync-dataverse-client-id and"
          + " --sync-dataverse-client-secret");
    }
    String scope = dataverseScope != null ? dataverseScope
        : dataverseUrl.getScheme() + "://" + dataverseUrl.getAuthority() + "/.default";
    return new ClientCredentials.Config(dataverseTokenUrl, dataverseClientId, dataverseClientSecret, scope, null);
  }
}
