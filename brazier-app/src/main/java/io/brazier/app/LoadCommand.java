package io.brazier.app;

import io.brazier.loader.Load;
import io.brazier.loader.LoadReport;
import io.brazier.loader.LogProgress;
import io.brazier.loader.Progress;
import io.brazier.loader.ProgressBarProgress;
import io.brazier.loader.files.Inputs;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brazier load}: loads files, folders and Blob containers into a FHIR server once, then exits. */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Loads bundles (*.json), NDJSON (*.ndjson), their .gz forms and zip archives of them into a FHIR R4 server.",
        "Reference data goes first, transactions as transactions, batches and NDJSON in batches of PUT Type/id.",
        "Exit code: 0 when everything loaded, 1 when anything failed (the files are named, with the reason),"
            + " 2 for a usage error."})
final class LoadCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE|FOLDER|URL",
      description = "Files, folders (read recursively) and Blob container URLs (with a SAS unless public).")
  List<String> inputs;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A properties file of option defaults (fhir=..., concurrency=...). Env: BRAZIER_CONFIG.")
  java.nio.file.Path config;

  @Mixin
  ClientOptions client;

  @Mixin
  LoaderOptions options;

  @Override
  public Integer call() throws IOException, InterruptedException {
    var loaderConfig = options.config(client, Duration.ZERO);
    var target = client.target();
    try (Inputs files = Usage.checked(spec, () -> Inputs.of(inputs))) {
      Progress progress = System.console() != null ? new ProgressBarProgress() : new LogProgress(Duration.ofSeconds(10));
      Load load = new Load(target, loaderConfig);
      Thread stopped = new Thread(() -> System.err.println(stopped(load.report())), "brazier-load-stopped");
      Runtime.getRuntime().addShutdownHook(stopped);
      LoadReport report;
      try {
        report = load.run(files, progress);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(stopped);
        } catch (IllegalStateException e) {
          // Stopped as the load ended: the hook runs and says what was done; the JVM is exiting.
        }
      }
      (report.succeeded() ? System.out : System.err).println(report.summary());
      return report.succeeded() ? 0 : 1;
    }
  }

  /**
   * What a load stopped before its end (Ctrl-C) did. The files hold no mark of what was sent, so the same command
   * sends them all again; every resource goes as a PUT by id or a conditional create, so nothing is duplicated.
   */
  static String stopped(LoadReport report) {
    return "Stopped before the end. " + report.summary() + System.lineSeparator()
        + "What was loaded stays on the server. Running the same command again sends every file again: the"
        + " resources already loaded are written once more by id, never duplicated (files still loading when"
        + " stopped are not counted above).";
  }
}
