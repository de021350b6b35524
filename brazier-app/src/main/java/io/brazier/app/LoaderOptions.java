package io.brazier.app;

import io.brazier.loader.LoaderConfig;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of {@code brazier load} and {@code brazier loader} beside {@link ClientOptions}: how bundles and NDJSON
 * are sent.
 */
final class LoaderOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--max-entries", defaultValue = "500", paramLabel = "N",
      description = "Most entries per batch sent; larger batches are split (default: ${DEFAULT-VALUE}).")
  int maxEntries;

  @Option(names = "--bundle-size", defaultValue = "500", paramLabel = "N",
      description = "NDJSON resources per request, sent as a transaction, or as a batch when the server refuses"
          + " that (default: ${DEFAULT-VALUE}).")
  int bundleSize;

  @Option(names = "--transform-to-batch", defaultValue = "false",
      description = "Send transaction bundles, and NDJSON, as batches of PUT Type/id entries (a transaction the"
          + " server finds too large, 413, is sent so anyway).")
  boolean transformToBatch;

  @Option(names = "--strict-references", defaultValue = "false",
      description = "A conditional reference (Practitioner?identifier=...) that matches nothing fails its entry"
          + " instead of getting a placeholder.")
  boolean strictReferences;

  LoaderConfig config(ClientOptions client, Duration settle) {
    int threads = client.concurrency(LoaderConfig.defaults().concurrency());
    return Usage.checked(spec, () -> new LoaderConfig(threads, maxEntries, bundleSize, client.maxRetries,
        client.retryBase, transformToBatch, strictReferences, settle, LoaderConfig.largestBundle()));
  }
}
