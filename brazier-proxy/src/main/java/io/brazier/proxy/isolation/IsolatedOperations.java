package io.brazier.proxy.isolation;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import java.util.Set;

/**
 * The operations a restricted request may invoke: those that answer from its own data, kept to its restriction by
 * the server ({@code $everything}, and {@code $export} at Patient and Group level: the server refuses it at system
 * level), or from no stored data at all ({@code $validate} of a body, terminology); and the meta operations on one
 * resource (or a version of it), which reach only a resource the restriction reaches ({@code $meta} of a type or of
 * the server lists what everyone's resources carry, and an upstream server would answer it whole). Every other
 * operation is refused
 * with 403: the change feed ({@code $changes}) and the other bulk work reach everyone's data, and an operation not
 * known here is not assumed to keep to the restriction.
 */
final class IsolatedOperations {
  private static final Set<String> ALLOWED =
      Set.of("$everything", "$export", "$validate", "$expand", "$lookup", "$validate-code", "$translate");
  private static final Set<String> ON_A_RESOURCE = Set.of("$meta", "$meta-add", "$meta-delete");

  private IsolatedOperations() {}

  /** Refuses (403) the operation of {@code request} under a restriction, unless it keeps to one. */
  static void check(FhirRequest request) {
    String operation = request.operation();
    boolean onAResource = request.segments().size() == 3 || request.segments().size() == 5; // or a version of it
    if (!ALLOWED.contains(operation) && !(onAResource && ON_A_RESOURCE.contains(operation))) {
      throw FhirException.forbidden("The caller sees only some patients' data (its patient context, the patients"
          + " it cares for, or patients' opt-outs), so it may not invoke " + operation
          + (ON_A_RESOURCE.contains(operation) ? " but on one resource" : "") + ".");
    }
  }
}
