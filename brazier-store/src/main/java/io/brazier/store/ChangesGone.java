package io.brazier.store;

/**
 * A reader asked for changes older than the feed keeps ({@code --changes-retention}): it may have missed some, so it
 * must read everything again and then follow the feed from {@code latest}.
 */
public final class ChangesGone extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long firstKept;
  private final long latest;

  public ChangesGone(long since, long firstKept, long latest) {
    super("Changes after " + since + " up to " + (firstKept - 1) + " are no longer kept", null, false, false);
    this.firstKept = firstKept;
    this.latest = latest;
  }

  /** The oldest sequence the feed still holds. */
  public long firstKept() {
    return firstKept;
  }

  /** The newest sequence: where a reader that has read everything again starts following. */
  public long latest() {
    return latest;
  }
}
