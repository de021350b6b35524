package io.brazier.server.interaction;

import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import java.util.List;

/** FHIR search of one type: GET [base]/[type]?... and POST [base]/[type]/_search. https://hl7.org/fhir/R4/http.html#search */
public final class SearchType implements Interaction {
  private final Search search;

  public SearchType(Search search) {
    this.search = search;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    return search.run(request, request.type(), List.of(request.type()), null);
  }
}
