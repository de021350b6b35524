package io.brazier.loader;

import java.util.function.Function;

/**
 * A setting of an export request. The requests check their settings once, the export what only its run can tell (a
 * query that gives other resources than Patients, a URL limit the server's base leaves no room in), and each front
 * end names a wrong one its own way: the command line by its flag ({@link #option()}, which the checks' messages
 * use), the loader's HTTP endpoint by its body's field.
 */
public enum ExportSetting {
  QUERY("--query"), PATIENT_FIELD("--patient-field"), INCLUDE("--include"), BATCH_SIZE("--batch-size"),
  MAX_URL("--max-url"), TYPE("--type"), SINCE("--since"), TILL("--till"), PARALLEL("--parallel"),
  PAGE_SIZE("--page-size"), SEARCH_INTERVAL("--search-interval");

  private final String option;

  ExportSetting(String option) {
    this.option = option;
  }

  /** The command line's flag for this setting. */
  public String option() {
    return option;
  }

  /** What to fix, written with whatever names a front end gives the settings. */
  public interface Wording {
    String with(Function<ExportSetting, String> names);
  }

  /** A request refused for its settings; its message names them by their flags. */
  public static final class Invalid extends IllegalArgumentException {
    private final transient Wording wording;

    public Invalid(Wording wording) {
      super(wording.with(ExportSetting::option));
      this.wording = wording;
    }

    /** What to fix, naming the settings as {@code names} does. */
    public String naming(Function<ExportSetting, String> names) {
      return wording.with(names);
    }
  }
}
