package io.brazier.loader;

import java.io.IOException;

/** A load that cannot start: the FHIR server cannot be reached, or serves no FHIR API at the URL given. */
public final class TargetUnavailable extends IOException {
  public TargetUnavailable(String message) {
    super(message);
  }
}
