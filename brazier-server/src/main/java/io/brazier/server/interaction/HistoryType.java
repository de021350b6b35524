package io.brazier.server.interaction;

import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;

/** FHIR history of a resource type: GET [base]/[type]/_history. https://hl7.org/fhir/R4/http.html#history */
public final class HistoryType implements Interaction {
  private final History history;

  public HistoryType(History history) {
    this.history = history;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    return history.answer(request, history.page(request, request.type(), null));
  }
}
