package io.brazier.proxy.isolation;

import io.brazier.fhir.FhirException;
import java.util.List;
import java.util.Set;

/**
 * The operations a restricted request may invoke. Those that answer from its own data, kept to its restriction by
 * the server ({@code $everything}), or from no stored data at all ({@code $validate} of a body, terminology), run;
 * {@code $export} runs at Patient level only, where the export job keeps to the restriction the request carries;
 * every other operation is refused with 403: the change feed ({@code $changes}) and system-level bulk work reach
 * everyone's data, and an operation not known here is not assumed safe.
 */
final class IsolatedOperations {
  private static final Set<String> ALLOWED =
      Set.of("$everything", "$validate", "$expand", "$lookup", "$validate-code", "$translate");
  private static final String EXPORT = "$export";

  private IsolatedOperations() {}

  /** Refuses (403) an operation ({@code $export}) on the path {@code segments} under a restriction. */
  static void check(String operation, List<String> segments) {
    if (ALLOWED.contains(operation) || operation.equals(EXPORT) && segments.equals(List.of("Patient", EXPORT))) {
      return;
    }
    String where = operation.equals(EXPORT) ? "at system or Group level" : "";
    throw FhirException.forbidden("The caller sees only some patients' data (its patient context, the patients it"
        + " cares for, or patients' opt-outs), so it may not invoke " + operation + (where.isEmpty() ? "" : " ")
        + where + ".");
  }
}
