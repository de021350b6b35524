package io.brazier.server.interaction;

import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import java.util.List;

/**
 * FHIR search of every type: GET [base]?... and POST [base]/_search, narrowed with {@code _type}; the common
 * parameters apply. https://hl7.org/fhir/R4/http.html#search
 */
public final class SearchSystem implements Interaction {
  private final Search search;

  public SearchSystem(Search search) {
    this.search = search;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    return search.run(request, "", List.of(), null);
  }
}
