package io.brazier.sync.source;

/**
 * The feed no longer holds the changes after the reader's position (410: older than its retention): the reader may
 * have missed some, so what it syncs must be read again (a back-fill) and the feed followed from where it now starts.
 */
public final class FeedGone extends SourceException {
  private static final long serialVersionUID = 1L;

  private final Long latest;

  /** @param latest where the feed is to be followed from after reading everything again; null when not named */
  public FeedGone(String message, Long latest) {
    super(410, message);
    this.latest = latest;
  }

  /** The sequence to follow the feed from once everything is read again, as the server named it; or null. */
  public Long latest() {
    return latest;
  }
}
