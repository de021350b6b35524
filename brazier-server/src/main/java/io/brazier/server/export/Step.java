package io.brazier.server.export;

import java.util.ArrayList;
import java.util.List;

/**
 * One step of an export, in the order a run takes them: each type's resources, then at Patient and Group level the
 * resources of other types they refer to, then the Provenance of what was exported ({@code includeAssociatedData}),
 * then with {@code _since} each type's deletions, then the error file.
 */
record Step(Kind kind, String type) {

  enum Kind { RESOURCES, REFERENCED, PROVENANCE, DELETED, ERRORS }

  static List<Step> of(ExportRequest request) {
    List<Step> steps = new ArrayList<>();
    request.types().forEach(type -> steps.add(new Step(Kind.RESOURCES, type)));
    request.referenced().forEach(type -> steps.add(new Step(Kind.REFERENCED, type)));
    if (request.provenance() != null) {
      steps.add(new Step(Kind.PROVENANCE, "Provenance"));
    }
    if (request.since() != null) {
      request.types().forEach(type -> steps.add(new Step(Kind.DELETED, type)));
    }
    if (!request.issues().isEmpty()) {
      steps.add(new Step(Kind.ERRORS, null));
    }
    return steps;
  }
}
