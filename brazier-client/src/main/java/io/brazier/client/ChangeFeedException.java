package io.brazier.client;

import java.io.IOException;

/**
 * The change feed could not be read: the server could not be reached, answered an error, or answered what is not a
 * page of the feed.
 */
public final class ChangeFeedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String diagnostics;

  ChangeFeedException(int status, String message, String diagnostics, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.diagnostics = diagnostics;
  }

  /** The HTTP status of the answer; 0 when the server could not be reached, 410 when it no longer keeps the page. */
  public int status() {
    return status;
  }

  /** What the server's OperationOutcome says, when it answered an error; null otherwise. */
  public String diagnostics() {
    return diagnostics;
  }
}
