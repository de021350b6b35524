package io.brazier.loader;

/** An export that cannot start, with a sentence that says what to fix: an unknown type, an unreachable server. */
public final class ExportRefused extends Exception {
  private final boolean badInput;

  public ExportRefused(String message, boolean badInput) {
    super(message);
    this.badInput = badInput;
  }

  /** True when the request is at fault (a usage error), false when the server is (it cannot be reached). */
  public boolean badInput() {
    return badInput;
  }
}
