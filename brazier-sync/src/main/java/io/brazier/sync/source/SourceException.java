package io.brazier.sync.source;

import java.io.IOException;

/** The FHIR server answered with an error, or not at all. */
public class SourceException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public SourceException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status; 0 when the server could not be reached. */
  public int status() {
    return status;
  }
}
