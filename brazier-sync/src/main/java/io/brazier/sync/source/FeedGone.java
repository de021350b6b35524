package io.brazier.sync.source;

/**
 * The feed no longer holds the changes after the reader's position (410: older than its retention): the reader may
 * have missed some, so what it syncs must be read again (a back-fill) and the feed followed from where it now starts.
 */
public final class FeedGone extends SourceException {
  private static final long serialVersionUID = 1L;

  public FeedGone(String message) {
    super(410, message);
  }
}
