package io.brazier.loader;

import java.io.IOException;

/**
 * A load that cannot start or go on: the FHIR server cannot be reached, serves no FHIR API at the URL given, wants a
 * token it was not given, or refuses the loader its writes.
 */
public final class TargetUnavailable extends IOException {
  public TargetUnavailable(String message) {
    super(message);
  }
}
