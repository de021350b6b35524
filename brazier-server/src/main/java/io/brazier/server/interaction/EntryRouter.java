package io.brazier.server.interaction;

import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;

/**
 * Runs the entries of a batch or transaction as requests of their own: through the same route table and the same
 * interceptors as a request that came alone.
 */
public interface EntryRouter {

  /**
   * The entry's request as the interceptors left it, with the interaction that answers it; a FhirException when no
   * route answers it or an interceptor refuses it.
   */
  Routed route(FhirRequest entry);

  /** The entry's answer (a failure included, as its OperationOutcome response) as the interceptors leave it. */
  FhirResponse answered(FhirRequest entry, FhirResponse response);

  /** An entry's request, ready to run. */
  record Routed(FhirRequest request, Interaction interaction) {}
}
