package io.brazier.loader;

import java.time.Instant;
import java.util.List;

/**
 * Every resource of one type last updated in {@code [since, till)} ({@code since} null: from the start; {@code till}
 * null: the export's start), split into {@code parallel} slices of about equal counts fetched at once, {@code
 * pageSize} resources a page.
 */
public record TypeExport(String type, Instant since, Instant till, int parallel, int pageSize)
    implements ExportRequest {

  public TypeExport {
    PatientExport.requireSearch("--type", type);
    if (type.contains("?")) {
      throw new IllegalArgumentException("--type takes a resource type such as Observation, not " + type);
    }
    if (parallel < 1 || parallel > 100) {
      throw new IllegalArgumentException("--parallel must be between 1 and 100, not " + parallel);
    }
    if (pageSize < 1) {
      throw new IllegalArgumentException("--page-size must be at least 1, not " + pageSize);
    }
    if (since != null && till != null && !since.isBefore(till)) {
      throw new IllegalArgumentException("--since must be before --till");
    }
  }

  @Override
  public List<String> types() {
    return List.of(type);
  }

  @Override
  public String describe() {
    return type + " updated from " + (since == null ? "the start" : since) + " until "
        + (till == null ? "the export's start" : till) + " in " + parallel + " slices";
  }
}
