package io.brazier.server.interaction;

import java.util.List;
import org.hl7.fhir.r4.model.Resource;

/**
 * What a write names before it is prepared: the resource type, the ids (given, matched by conditions, or new) and the
 * parsed body. {@code matched} means a conditional create found its resource already there, so it writes nothing.
 */
public record Target(String type, List<String> ids, Resource resource, boolean matched) {

  public Target {
    ids = List.copyOf(ids);
  }

  static Target of(String type, String id, Resource resource) {
    return new Target(type, List.of(id), resource, false);
  }

  /** The one id of a create, update or patch. */
  public String id() {
    return ids.get(0);
  }
}
