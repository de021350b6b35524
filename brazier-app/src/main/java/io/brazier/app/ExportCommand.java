package io.brazier.app;

import io.brazier.loader.ExportDestination;
import io.brazier.loader.ExportProgress;
import io.brazier.loader.ExportRefused;
import io.brazier.loader.ExportReport;
import io.brazier.loader.ExportRequest;
import io.brazier.loader.LogProgress;
import io.brazier.loader.ProgressBarProgress;
import io.brazier.loader.export.Exporter;
import java.io.IOException;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code brazier export}: exports from any FHIR R4 server through its search API, by patients or by type. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    subcommands = {ExportPatientsCommand.class, ExportAllCommand.class},
    description = {
        "Exports from any FHIR R4 server through its search API into NDJSON files and a Bulk Data manifest.json.",
        "The files, one per type and rolled at --file-max-mb, go to a folder or a Blob container:",
        "  export patients  the patients a query gives, with what include searches find of them",
        "  export all       every resource of one type, in time slices fetched in parallel",
        "Exit code: 0 when everything was exported, 1 when a search failed (see the error file), 2 for a usage"
            + " error."})
final class ExportCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Say what to export: brazier export patients ... or brazier"
        + " export all ...");
  }

  /** Runs the export with a progress bar (log lines when the output is not a terminal) and prints the summary. */
  static int run(CommandSpec spec, ClientOptions client, int concurrency, ExportOutput output,
      ExportRequest request) throws InterruptedException {
    ExportDestination destination = output.destination();
    Exporter exporter = new Exporter(client.target(), client.sending(concurrency));
    ExportProgress progress = System.console() != null ? new ProgressBarProgress("Exporting", " searches")
        : new LogProgress(Duration.ofSeconds(10), "Exporting", "searches");
    ExportReport report;
    try {
      report = exporter.run(request, destination, progress);
    } catch (ExportRefused e) {
      if (e.badInput()) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      System.err.println(e.getMessage());
      return 1;
    } catch (IOException e) {
      System.err.println("The export failed: " + e.getMessage());
      return 1;
    }
    (report.succeeded() ? System.out : System.err).println(report.summary());
    return report.succeeded() ? 0 : 1;
  }
}
