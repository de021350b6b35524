package io.brazier.loader;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The end of an export: the manifest's URL and content (files written, error files), resources written, resources a
 * second include reached again (written once), resources changed after {@code transactionTime} by type (not in this
 * export: export them again with {@code --since transactionTime}), and how long it took.
 */
public record ExportReport(Instant transactionTime, String manifest, List<ExportFile> output,
    List<ExportFile> errors, long resources, long repeats, Map<String, Long> changedAfter, Duration elapsed) {

  public boolean succeeded() {
    return errors.isEmpty();
  }

  public long failedRequests() {
    return errors.stream().mapToLong(ExportFile::count).sum();
  }

  /** The summary a user reads at the end. */
  public String summary() {
    double seconds = Math.max(elapsed.toMillis() / 1000.0, 0.001);
    StringBuilder text = new StringBuilder(String.format("Exported %,d resources into %d files in %.1f s"
        + " (%,.0f resources/s); %,d reached again and written once; %d requests failed.%nManifest: %s",
        resources, output.size(), seconds, resources / seconds, repeats, failedRequests(), manifest));
    errors.forEach(error -> text.append(System.lineSeparator()).append("  Errors (OperationOutcome): ")
        .append(error.url()));
    changedAfter.forEach((type, count) -> text.append(System.lineSeparator()).append(String.format(
        "  %,d %s resources changed after %s, while the export ran; export them with --since %s", count, type,
        transactionTime, transactionTime)));
    return text.toString();
  }
}
