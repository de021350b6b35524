package io.brazier.proxy.isolation;

import io.brazier.fhir.FhirException;
import java.util.Set;

/**
 * The operations a restricted request may invoke: those that answer from its own data, kept to its restriction by
 * the server ({@code $everything}, {@code $export} at Patient and Group level and {@code $meta} of a resource: the
 * server refuses them at system level, and {@code $meta} at type level too; {@code $meta-add} and {@code $meta-delete}
 * write only a resource the restriction reaches), or from no stored data at all ({@code $validate} of a body,
 * terminology). Every other operation is refused
 * with 403: the change feed ({@code $changes}) and the other bulk work reach everyone's data, and an operation not
 * known here is not assumed to keep to the restriction.
 */
final class IsolatedOperations {
  private static final Set<String> ALLOWED =
      Set.of("$everything", "$export", "$validate", "$expand", "$lookup", "$validate-code", "$translate", "$meta",
          "$meta-add", "$meta-delete");

  private IsolatedOperations() {}

  /** Refuses (403) {@code operation} under a restriction, unless it keeps to one. */
  static void check(String operation) {
    if (!ALLOWED.contains(operation)) {
      throw FhirException.forbidden("The caller sees only some patients' data (its patient context, the patients"
          + " it cares for, or patients' opt-outs), so it may not invoke " + operation + ".");
    }
  }
}
