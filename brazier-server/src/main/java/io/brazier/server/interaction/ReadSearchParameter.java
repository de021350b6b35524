package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.SearchParameters;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.store.Store;

/**
 * Read of a SearchParameter: a stored one, or else one of the specification's that the server supports (such as
 * SearchParameter/Observation-code), with the modifiers this server takes, so that every definition a
 * CapabilityStatement names resolves here. https://hl7.org/fhir/R4/http.html#read
 */
public final class ReadSearchParameter implements Interaction {
  private final Store store;
  private final Interaction read;
  private final SearchParameters parameters;

  public ReadSearchParameter(Store store, Interaction read, SearchParameters parameters) {
    this.store = store;
    this.read = read;
    this.parameters = parameters;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    if (store.current(request.type(), request.id()).isPresent()) {
      return read.handle(request);
    }
    return parameters.builtIn(request.id()).map(FhirResponse::ok)
        .orElseThrow(() -> FhirException.notFound(request.type(), request.id()));
  }
}
