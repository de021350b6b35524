package io.brazier.server.operation;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.store.Store;

/**
 * {@code DELETE [base]/[type]/[id]/$purge-history}: removes every version of a resource but its current one, as
 * Microsoft's FHIR server does (https://learn.microsoft.com/azure/healthcare-apis/fhir/purge-history); no FHIR
 * specification defines it. The current version stays as it is, a deletion too, so that reads, ETags and the change
 * feed's numbering are unchanged; a deleted resource whose history is purged keeps no body at all. Answers 204, or
 * 404 for a resource never stored.
 */
public final class PurgeHistory implements Interaction {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("purge-history", "https://brazier.dev/fhir/OperationDefinition/purge-history");

  private final Store store;

  public PurgeHistory(Store store) {
    this.store = store;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    if (store.current(request.type(), request.id()).isEmpty()) {
      throw FhirException.notFound(request.type(), request.id());
    }
    store.purgeHistory(request.type(), request.id());
    return FhirResponse.empty(204);
  }
}
