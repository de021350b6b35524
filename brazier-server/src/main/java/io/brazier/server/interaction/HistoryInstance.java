package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.store.HistoryPage;
import io.brazier.store.Store;

/**
 * FHIR history of one resource: GET [base]/[type]/[id]/_history, its deletions included; a deleted resource still
 * has its history. Under a restriction, a resource whose current version lies outside is not known (404), and the
 * versions of it that lay outside are left out. https://hl7.org/fhir/R4/http.html#history
 */
public final class HistoryInstance implements Interaction {
  private final Store store;
  private final Reachable reachable;
  private final History history;

  public HistoryInstance(Store store, Reachable reachable, History history) {
    this.store = store;
    this.reachable = reachable;
    this.history = history;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    if (request.restriction() != null
        && reachable.current(request.restriction(), request.type(), request.id()).isEmpty()) {
      throw FhirException.notFound(request.type(), request.id());
    }
    HistoryPage page = history.page(request, request.type(), request.id());
    // An empty page may mean the filters left nothing, or that the resource never existed: only the latter is a 404.
    if (page.versions().isEmpty() && store.current(request.type(), request.id()).isEmpty()) {
      throw FhirException.notFound(request.type(), request.id());
    }
    return history.answer(request, page);
  }
}
