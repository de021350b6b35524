package io.brazier.events;

/** The change feed could not be read: the server refused, failed or could not be reached. The publisher retries. */
final class FeedFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  FeedFailure(String message) {
    super(message);
  }

  FeedFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
