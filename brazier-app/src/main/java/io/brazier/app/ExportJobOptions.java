package io.brazier.app;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How many of the loader's export jobs run at once, and how long ended ones stay listed. */
final class ExportJobOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--max-exports", defaultValue = "2", paramLabel = "N",
      description = "The loader's export jobs (POST /loader/$alt-export, $alt-export-all) running at once; more"
          + " answer 429 (default: ${DEFAULT-VALUE}).")
  int maxExports;

  @Option(names = "--export-purge-days", defaultValue = "30", paramLabel = "DAYS",
      description = "Ended export jobs of the loader are listed this long by GET /loader/$alt-export-status; their"
          + " files stay (default: ${DEFAULT-VALUE}).")
  int purgeDays;

  WatchingLoader.ExportLimits limits() {
    if (maxExports < 1) {
      throw new ParameterException(spec.commandLine(), "--max-exports must be at least 1, not " + maxExports);
    }
    if (purgeDays < 0) {
      throw new ParameterException(spec.commandLine(), "--export-purge-days must be 0 or more, not " + purgeDays);
    }
    return new WatchingLoader.ExportLimits(maxExports, Duration.ofDays(purgeDays));
  }
}
