package io.brazier.loader;

import java.io.IOException;

/**
 * A load that cannot start: the FHIR server cannot be reached, serves no FHIR API at the URL given, or wants a token
 * it was not given.
 */
public final class TargetUnavailable extends IOException {
  public TargetUnavailable(String message) {
    super(message);
  }
}
