package io.brazier.loader;

import java.time.Duration;
import java.util.Map;

/**
 * The end of a one-shot load: files and resources loaded, entries failed, and each file that did not fully load with
 * the reason (the server's answer, or what is wrong with the file).
 */
public record LoadReport(int files, long resources, long failedEntries, Duration elapsed,
    Map<String, String> failures) {

  public boolean succeeded() {
    return failures.isEmpty();
  }

  public double resourcesPerSecond() {
    return resources / Math.max(elapsed.toMillis() / 1000.0, 0.001);
  }

  /** The summary a user reads at the end. */
  public String summary() {
    StringBuilder text = new StringBuilder(String.format("Loaded %,d resources from %d files in %.1f s"
        + " (%,.0f resources/s); %,d entries failed, %d files not fully loaded.", resources,
        files, elapsed.toMillis() / 1000.0, resourcesPerSecond(), failedEntries, failures.size()));
    failures.forEach((file, reason) -> text.append(System.lineSeparator()).append("  ").append(file).append(": ")
        .append(reason.length() > 2000 ? reason.substring(0, 2000) + "..." : reason));
    return text.toString();
  }
}
