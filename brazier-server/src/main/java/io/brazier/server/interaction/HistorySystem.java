package io.brazier.server.interaction;

import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;

/** FHIR history of the whole server: GET [base]/_history. https://hl7.org/fhir/R4/http.html#history */
public final class HistorySystem implements Interaction {
  private final History history;

  public HistorySystem(History history) {
    this.history = history;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    return history.answer(request, history.page(request, null, null));
  }
}
