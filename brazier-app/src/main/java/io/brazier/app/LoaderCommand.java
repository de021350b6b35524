package io.brazier.app;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.brazier.client.HttpFhirClient;
import io.brazier.loader.LoaderConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code brazier loader}: the watching service on its own, loading what is dropped into a folder or Blob account. */
@Command(
    name = "loader",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Watches a folder (--dir) and/or an Azure Blob account (--blob) and loads what is dropped in.",
        "What lands in bundles/, ndjson/ and zip/ loads into a FHIR R4 server; results go to bundlesprocessed/,"
            + " bundleserr/, ndjsonprocessed/, ndjsonerr/, zipprocessed/ and ziperr/.",
        "GET /loader/status, POST /loader/bundles and /metrics on --port; POST /loader/$alt-export and"
            + " /loader/$alt-export-all start export jobs into export/[id]/ (see brazier export --help),"
            + " GET /loader/$alt-export-status lists them, DELETE /loader/$alt-export/[id] cancels one."})
final class LoaderCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A properties file of option defaults (dir=..., fhir=...). Env: BRAZIER_CONFIG.")
  Path config;

  @Option(names = "--dir", paramLabel = "DIR", description = "The folder to watch; its subfolders are made.")
  Path dir;

  @Option(names = "--blob", paramLabel = "ACCOUNT",
      description = "The Blob account to watch: a connection string, or the account URL with a SAS"
          + " (prefer BRAZIER_BLOB); its containers are made.")
  String blob;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address of the status endpoint (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8082", description = "Port of the status endpoint (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--settle", defaultValue = "PT2S", paramLabel = "DURATION",
      description = "A dropped file is taken once its size and time have not changed for this long"
          + " (default: ${DEFAULT-VALUE}).")
  Duration settle;

  @Mixin
  ExportJobOptions exportJobs;

  @Option(names = "--export-source", paramLabel = "URL", split = ",",
      description = "Another FHIR server that export jobs may read from ($alt-export-all's _baseAddress), with a"
          + " token for their _audience through --token-url's client; repeatable (default: none, only --fhir).")
  List<URI> exportSources = List.of();

  @Mixin
  ClientOptions client;

  @Mixin
  LoaderOptions options;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (dir == null && blob == null) {
      throw new ParameterException(spec.commandLine(), "Give the folder to watch (--dir DIR) or the Blob account"
          + " (--blob CONNECTION_STRING_OR_URL), or both.");
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    HttpFhirClient target = client.target();
    LoaderConfig config = options.config(client, settle);
    WatchingLoader loader = WatchingLoader.start(target, config, dir, blob, host, port, registry,
        exportJobs.limits(),
        client.exportSources(target, config, exportSources));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      loader.close();
      stopped.countDown();
    }, "brazier-loader-shutdown"));
    stopped.await();
    return 0;
  }
}
