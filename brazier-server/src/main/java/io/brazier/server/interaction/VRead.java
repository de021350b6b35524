package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * FHIR vread: GET [base]/[type]/[id]/_history/[vid]. A version outside the request's restriction is not known (404),
 * whatever the resource's other versions are. https://hl7.org/fhir/R4/http.html#vread
 */
public final class VRead implements Interaction {
  private final Store store;
  private final Reachable reachable;

  public VRead(Store store, Reachable reachable) {
    this.store = store;
    this.reachable = reachable;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    return FhirResponse.ok(version(store, reachable, request));
  }

  /**
   * The version that {@code [base]/[type]/[id]/_history/[vid]} names, within the request's restriction: 404 when it
   * is not known (or outside), 410 when it is a deletion.
   */
  public static ResourceVersion version(Store store, Reachable reachable, FhirRequest request) {
    String vid = request.segment(3);
    int version;
    try {
      version = Integer.parseInt(vid);
    } catch (NumberFormatException e) {
      throw new FhirException(404, IssueType.NOTFOUND, "'" + vid + "' is not a version id: versions are numbers.");
    }
    ResourceVersion found = store.version(request.type(), request.id(), version)
        .filter(stored -> reachable.reaches(request.restriction(), stored))
        .orElseThrow(() -> FhirException.versionNotFound(request.type(), request.id(), version));
    if (found.deleted()) {
      throw FhirException.gone(request.type(), request.id());
    }
    return found;
  }
}
