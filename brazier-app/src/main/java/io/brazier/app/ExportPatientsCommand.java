package io.brazier.app;

import io.brazier.loader.PatientExport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code brazier export patients}: a patient-centric export, as the original's {@code $alt-export}. */
@Command(
    name = "patients",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Exports the patients a query (or a Group) gives and what each --include search finds of them.",
        "$IDS in an include is replaced by batches of patient ids. A resource two",
        "includes reach is written once.",
        "Example: brazier export patients --fhir URL --query 'Coverage?class-value=Med1' --patient-field"
            + " beneficiary",
        "  --include 'Patient?_id=$IDS' --include 'Observation?patient=$IDS' --out ./export"})
final class ExportPatientsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A properties file of option defaults (fhir=..., out=...). Env: BRAZIER_CONFIG.")
  Path config;

  @Option(names = "--query", paramLabel = "SEARCH",
      description = "The search that gives the patients, below the server's base, e.g. 'Coverage?class-value=Med1'.")
  String query;

  @Option(names = "--group", paramLabel = "ID", description = "A Group whose active members are the patients, instead"
      + " of --query.")
  String group;

  @Option(names = "--patient-field", defaultValue = "id", paramLabel = "FIELD",
      description = "How the query's resources give the patient: id when it returns Patients, else the field that"
          + " refers to the patient, e.g. beneficiary or subject (default: ${DEFAULT-VALUE}).")
  String patientField;

  @Option(names = "--include", paramLabel = "SEARCH",
      description = "A search run for every batch of patients, with $IDS where their ids go, repeatable; e.g."
          + " 'Observation?patient=$IDS'.")
  List<String> includes = List.of();

  @Option(names = "--batch-size", defaultValue = "50", paramLabel = "N",
      description = "Most patient ids per include search (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--max-url", defaultValue = "4096", paramLabel = "CHARS",
      description = "Longest URL of an include search; batches get fewer ids to stay within it"
          + " (default: ${DEFAULT-VALUE}).")
  int maxUrl;

  @Mixin
  ClientOptions client;

  @Mixin
  ExportOutput output;

  @Override
  public Integer call() throws InterruptedException {
    return ExportCommand.run(spec, client, client.concurrency(4), output, request());
  }

  private PatientExport request() {
    if ((query == null) == (group == null)) {
      throw new ParameterException(spec.commandLine(), "Give the patients by --query SEARCH or by --group ID"
          + " (one of them)");
    }
    return Usage.checked(spec, () -> new PatientExport(group != null ? PatientExport.group(group) : query,
        patientField, includes, batchSize, maxUrl));
  }
}
