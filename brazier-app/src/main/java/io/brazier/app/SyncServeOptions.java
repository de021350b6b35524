package io.brazier.app;

import io.brazier.client.FhirClient;
import io.brazier.fhir.Fhir;
import io.brazier.server.Caller;
import io.brazier.server.FhirServer;
import io.brazier.server.ServerConfig;
import io.brazier.store.sql.Database;
import io.brazier.sync.SyncConfig;
import io.brazier.sync.TargetConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code brazier serve --sync}: the sync agent in the server's process, reading FHIR through its in-process API. */
final class SyncServeOptions {

  @Option(names = "--sync", defaultValue = "false",
      description = "Also run the sync agent: FHIR changes into the system of engagement's tables (see"
          + " docs/SYNC.md), by default a 'crm' schema in this server's own database.")
  boolean enabled;

  @Option(names = "--sync-maps", paramLabel = "DIR",
      description = "The agent's maps, one JSON file per entity map, reloaded when they change (default: the"
          + " built-in maps; 'brazier sync maps DIR' writes them out to start from).")
  Path maps;

  @Option(names = "--sync-target-url", paramLabel = "JDBC_URL",
      description = "The system of engagement's PostgreSQL, jdbc:postgresql://host/db (default: this server's"
          + " database). One not answering yet is waited for, as /sync/status says.")
  String url;

  @Option(names = "--sync-target-user", description = "User of --sync-target-url.")
  String user;

  @Option(names = "--sync-target-password",
      description = "Password of --sync-target-url (prefer BRAZIER_SYNC_TARGET_PASSWORD).")
  String password;

  @Option(names = "--sync-target-schema", defaultValue = "crm",
      description = "The schema the agent owns in the target (default: ${DEFAULT-VALUE}).")
  String schema;

  @Mixin
  SyncTuning tuning;

  @Mixin
  SyncChannelsOptions channels;

  /**
   * The agent's configuration, checked with its channels and its target URL, so that a bad value stops the server
   * before it starts: an IllegalArgumentException naming the flag.
   */
  SyncConfig config() {
    channels.channels();
    if (url != null) {
      target(url, user, password);
    }
    return tuning.config(maps);
  }

  /** Starts the agent on {@code server}. */
  SyncRunner start(FhirServer server, Fhir fhir, ServerConfig serverConfig, Database database,
      PrometheusMeterRegistry registry) throws IOException {
    TargetConfig target = url != null ? target(url, user, password) : target(database.pool().getJdbcUrl(),
        database.pool().getUsername(), database.pool().getPassword());
    String host = serverConfig.host();
    String address = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    String baseUrl = serverConfig.baseUrl() != null ? serverConfig.baseUrl()
        : "http://" + address + ":" + server.port() + "/fhir";
    FhirClient client = server.api().client(Caller.system(Caller.SYNC_AGENT_SOURCE), baseUrl);
    return SyncRunner.start(client, fhir, target, config(), channels.channels(), tuning.host, tuning.port, registry);
  }

  private TargetConfig target(String jdbcUrl, String targetUser, String targetPassword) {
    return new TargetConfig(jdbcUrl, targetUser, targetPassword, schema, TargetConfig.poolFor(tuning.workers));
  }
}
