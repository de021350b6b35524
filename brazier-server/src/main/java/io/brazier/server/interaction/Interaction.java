package io.brazier.server.interaction;

import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;

/** One FHIR interaction or operation: the FHIR rules, with no HTTP server and no SQL. */
@FunctionalInterface
public interface Interaction {
  FhirResponse handle(FhirRequest request);
}
