package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import java.util.List;

/**
 * One entry of a batch or transaction: its position, its fullUrl, and the request it stands for with the interaction
 * that answers it; or, when the entry itself is broken, the failure that says why.
 */
record Entry(int index, String fullUrl, FhirRequest request, Interaction interaction, FhirException failure) {

  static Entry broken(int index, FhirException failure) {
    return new Entry(index, null, null, null, failure.at(expression(index)));
  }

  /** The requests of the sound write entries: what may name conditions. */
  static List<FhirRequest> writeRequests(List<Entry> entries) {
    return entries.stream().filter(entry -> entry.failure() == null && !entry.isRead()).map(Entry::request).toList();
  }

  static String expression(int index) {
    return "Bundle.entry[" + index + "]";
  }

  /** The failure, located at this entry. */
  FhirException located(FhirException e) {
    return e.at(expression(index));
  }

  String method() {
    return request.method();
  }

  /** The spec's processing order of a transaction: DELETE, then POST, then PUT and PATCH, then GET and HEAD. */
  int rank() {
    return switch (method()) {
      case "DELETE" -> 0;
      case "POST" -> 1;
      case "PUT", "PATCH" -> 2;
      default -> 3;
    };
  }

  boolean isRead() {
    return rank() == 3;
  }
}
