package io.brazier.server;

import io.brazier.fhir.FhirException;
import io.brazier.server.http.ETags;

/** Version ids in ETags: {@code W/"3"}, {@code "3"} or a bare {@code 3}. */
final class Versions {
  private Versions() {}

  static int parse(String etag, String header) {
    try {
      return Integer.parseInt(ETags.opaque(etag));
    } catch (NumberFormatException e) {
      throw FhirException.badRequest(header + " '" + etag + "' is not a version ETag such as W/\"1\".");
    }
  }

  static boolean matches(String etags, int version) {
    for (String etag : etags.split(",")) {
      try {
        if (parse(etag, "If-None-Match") == version) {
          return true;
        }
      } catch (FhirException e) {
        // An ETag of another shape cannot name one of our versions.
      }
    }
    return false;
  }
}
