package io.brazier.loader;

import java.util.function.Function;

/** An export that cannot start, with a sentence that says what to fix: an unknown type, an unreachable server. */
public final class ExportRefused extends Exception {
  private final boolean badInput;

  public ExportRefused(String message, boolean badInput) {
    super(message);
    this.badInput = badInput;
  }

  /** Refused for a setting that only the run finds wrong (a URL limit the server's base leaves no room in). */
  public ExportRefused(ExportSetting.Invalid setting) {
    super(setting.getMessage(), setting);
    this.badInput = true;
  }

  /** What to fix, naming the settings as {@code names} does (the message names them by their flags). */
  public String naming(Function<ExportSetting, String> names) {
    return getCause() instanceof ExportSetting.Invalid setting ? setting.naming(names) : getMessage();
  }

  /** True when the request is at fault (a usage error), false when the server is (it cannot be reached). */
  public boolean badInput() {
    return badInput;
  }
}
