package io.brazier.app;

import io.brazier.client.ClientCredentials;
import io.brazier.client.FhirBase;
import io.brazier.client.HttpFhirClient;
import io.brazier.fhir.Fhir;
import io.brazier.sync.Channels;
import io.brazier.sync.SyncConfig;
import io.brazier.sync.TargetConfig;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code brazier sync}: the sync agent on its own, against any FHIR server with Brazier's change feed, over HTTP.
 * Options also named {@code --sync-...} share their environment variable and config key with {@code brazier serve
 * --sync} ({@code --target-password} is {@code BRAZIER_SYNC_TARGET_PASSWORD}).
 */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = {
        "Runs the sync agent: follows a FHIR server's change feed into a relational system of engagement.",
        "Declarative maps (see docs/SYNC.md) say what goes where; the status is at",
        "http://<sync-host>:<sync-port>/sync/status.",
        "The subcommands talk to a running agent (this one, or the one in 'brazier serve --sync')."},
    subcommands = {SyncBackfill.class, SyncDeadLetters.class, SyncWriteBack.class, SyncMaps.class},
    sortOptions = false)
final class SyncCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE",
      description = "A properties file of option defaults (sync-target-url=..., sync-workers=8). Env: BRAZIER_CONFIG.")
  Path config;

  @Option(names = {"--fhir", "--sync-fhir"}, paramLabel = "URL",
      description = "The FHIR server's base URL, http://host:8080/fhir (required to run the agent).")
  URI fhir;

  @Option(names = {"--source", "--sync-source"}, defaultValue = "changes", paramLabel = "changes|history",
      description = "How changes are read: Brazier's change feed ($changes), or, from any other FHIR server,"
          + " _history?_since polled every half second (default: ${DEFAULT-VALUE}).")
  String source;

  @Option(names = {"--maps", "--sync-maps"}, paramLabel = "DIR",
      description = "The maps, one JSON file per entity map, reloaded when they change (default: the built-in"
          + " maps; 'brazier sync maps DIR' writes them out to start from).")
  Path maps;

  @Option(names = {"--target-url", "--sync-target-url"}, paramLabel = "JDBC_URL",
      description = "The system of engagement's PostgreSQL, jdbc:postgresql://host/db (required to run the agent)."
          + " One not answering yet is waited for, as /sync/status says.")
  String url;

  @Option(names = {"--target-user", "--sync-target-user"}, description = "User of --target-url.")
  String user;

  @Option(names = {"--target-password", "--sync-target-password"},
      description = "Password of --target-url (prefer BRAZIER_SYNC_TARGET_PASSWORD).")
  String password;

  @Option(names = {"--target-schema", "--sync-target-schema"}, defaultValue = "crm",
      description = "The schema the agent owns in the target (default: ${DEFAULT-VALUE}).")
  String schema;

  @Mixin
  TokenOptions token;

  @Mixin
  SyncTuning tuning;

  @Mixin
  SyncChannelsOptions channels;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    // Not required by picocli, which would then require them of the subcommands too.
    if (fhir == null || url == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: '"
          + (fhir == null ? "--fhir=URL" : "--target-url=JDBC_URL") + "'");
    }
    if (!source.equals("changes") && !source.equals("history")) {
      throw new ParameterException(spec.commandLine(), "--source must be changes or history, not " + source);
    }
    Optional<ClientCredentials> credentials = Usage.checked(spec, token::credentials);
    Channels where = Usage.checked(spec, channels::channels);
    SyncConfig config = Usage.checked(spec, () -> tuning.config(maps).withHistory(source.equals("history")));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    HttpFhirClient client = new HttpFhirClient(fhir, credentials, Duration.ofSeconds(90));
    Optional<String> notBase = notFhirBase(client);
    if (notBase.isPresent()) {
      spec.commandLine().getErr().println("brazier sync: " + notBase.get() + ".");
      return 1;
    }
    SyncRunner runner;
    try {
      TargetConfig target = new TargetConfig(url, user, password, schema, TargetConfig.poolFor(tuning.workers));
      runner = SyncRunner.start(client, new Fhir(false), target, config, where, tuning.host, tuning.port, registry);
    } catch (IOException | RuntimeException e) {
      spec.commandLine().getErr().println("brazier sync: " + e.getMessage());
      return 1;
    }
    return Stopping.closing(runner::close).await();
  }

  /**
   * Why the server answering at the URL is not a FHIR base (404 for its metadata: a URL without its /fhir), which the
   * agent would retry for ever. A server that does not answer yet is an outage the agent waits out: empty, as for a
   * FHIR base.
   */
  private Optional<String> notFhirBase(HttpFhirClient client) {
    try {
      return FhirBase.whyNot(fhir.toString(), client.send(FhirBase.METADATA));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
