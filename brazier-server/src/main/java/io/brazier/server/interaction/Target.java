package io.brazier.server.interaction;

import io.brazier.server.http.Body;
import java.util.List;

/**
 * What a write names before it is prepared: the resource type, the ids (given, matched by conditions, or new) and the
 * body. {@code matched} means a conditional create found its resource already there, so it writes nothing.
 */
public record Target(String type, List<String> ids, Body body, boolean matched) {

  public Target {
    ids = List.copyOf(ids);
  }

  static Target of(String type, String id, Body body) {
    return new Target(type, List.of(id), body, false);
  }

  /** The one id of a create, update or patch. */
  public String id() {
    return ids.get(0);
  }
}
