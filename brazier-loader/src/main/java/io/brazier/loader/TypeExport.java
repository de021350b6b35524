package io.brazier.loader;

import static io.brazier.loader.ExportSetting.PAGE_SIZE;
import static io.brazier.loader.ExportSetting.PARALLEL;
import static io.brazier.loader.ExportSetting.SEARCH_INTERVAL;
import static io.brazier.loader.ExportSetting.SINCE;
import static io.brazier.loader.ExportSetting.TILL;
import static io.brazier.loader.ExportSetting.TYPE;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Every resource of one type last updated in {@code [since, till)} ({@code since} null: from the start; {@code till}
 * null: the export's start), split into {@code parallel} slices of about equal counts fetched at once, {@code
 * pageSize} resources a page. Slices are found by halving time windows and counting them, down to windows of {@code
 * resolution} (a millisecond unless asked otherwise: a coarser one costs fewer counts and gives less even slices).
 */
public record TypeExport(String type, Instant since, Instant till, int parallel, int pageSize, Duration resolution)
    implements ExportRequest {
  public static final Duration FINEST = Duration.ofMillis(1);

  public TypeExport {
    PatientExport.requireSearch(TYPE, type);
    if (type.contains("?")) {
      throw new ExportSetting.Invalid(name -> name.apply(TYPE) + " takes a resource type such as Observation, not "
          + type);
    }
    if (parallel < 1 || parallel > 100) {
      throw new ExportSetting.Invalid(name -> name.apply(PARALLEL) + " must be between 1 and 100, not " + parallel);
    }
    if (pageSize < 1) {
      throw new ExportSetting.Invalid(name -> name.apply(PAGE_SIZE) + " must be at least 1, not " + pageSize);
    }
    if (resolution.compareTo(FINEST) < 0) {
      throw new ExportSetting.Invalid(name -> name.apply(SEARCH_INTERVAL) + " must be positive");
    }
    if (!resolution.equals(FINEST) && parallel == 1) {
      throw new ExportSetting.Invalid(name -> name.apply(SEARCH_INTERVAL) + " only cuts slices: give "
          + name.apply(PARALLEL) + " above 1 with it");
    }
    if (since != null && till != null && !since.isBefore(till)) {
      throw new ExportSetting.Invalid(name -> name.apply(SINCE) + " must be before " + name.apply(TILL));
    }
  }

  public TypeExport(String type, Instant since, Instant till, int parallel, int pageSize) {
    this(type, since, till, parallel, pageSize, FINEST);
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
