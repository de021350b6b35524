package io.brazier.proxy.isolation;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import java.util.List;
import java.util.Set;

/**
 * The operations a restricted request may invoke: those that answer from its own data, kept to its restriction by
 * the server ({@code $everything}, {@code $docref}, which searches its patient's documents, and {@code $export} at
 * Patient and Group level: the server refuses it at system level), or from no stored data at all ({@code $validate}
 * of a body, terminology, {@code $versions}, {@code $convert-data}); and the meta operations on one resource (or a version of it), which reach only a resource the restriction reaches ({@code $meta}
 * of a type or of the server lists what everyone's resources carry, and an upstream server would answer it whole).
 * Every other operation is refused with 403: the change feed ({@code $changes}) and the other bulk work reach
 * everyone's data, and an operation not known here is not assumed to keep to the restriction ({@code $member-match}:
 * an upstream server would match among everyone's members).
 */
final class IsolatedOperations {
  private static final Set<String> ALLOWED =
      Set.of("$everything", "$docref", "$export", "$validate", "$expand", "$lookup", "$validate-code", "$translate",
          "$versions", "$convert-data");
  private static final Set<String> ON_A_RESOURCE = Set.of("$meta", "$meta-add", "$meta-delete");

  private IsolatedOperations() {}

  /** Refuses (403) the operation of {@code request} under a restriction, unless it keeps to one. */
  static void check(FhirRequest request) {
    String operation = request.operation();
    boolean onAResource = target(request) != null;
    if (!ALLOWED.contains(operation) && !(onAResource && ON_A_RESOURCE.contains(operation))) {
      throw FhirException.forbidden("The caller sees only some patients' data (its patient context, the patients"
          + " it cares for, or patients' opt-outs), so it may not invoke " + operation
          + (ON_A_RESOURCE.contains(operation) ? " but on one resource" : "") + ".");
    }
  }

  /**
   * What the operation of {@code request} acts on, below the base: the resource ({@code Patient/12}) or the version
   * of it ({@code Patient/12/_history/3}) its path names; null for an operation on a type or the server.
   */
  static String target(FhirRequest request) {
    List<String> path = request.segments();
    return switch (path.size()) {
      case 3 -> path.get(0) + "/" + path.get(1);
      case 5 -> String.join("/", path.subList(0, 4));
      default -> null;
    };
  }
}
