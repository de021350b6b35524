package io.brazier.sync;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The partition of a change, which decides its worker: its patient ({@code Patient/12}), so that a patient's changes
 * are applied in order, as the original agent's Service Bus sessions kept them; the resource itself when it names
 * no patient. A Patient is its own; other resources name theirs in {@code patient} or {@code subject}.
 */
final class Partitions {
  private Partitions() {}

  static String of(String type, String id, JsonNode resource) {
    if (type.equals("Patient")) {
      return "Patient/" + id;
    }
    if (resource != null) {
      for (String element : new String[] {"patient", "subject"}) {
        String reference = resource.path(element).path("reference").asText("");
        int at = reference.lastIndexOf("Patient/");
        if (at >= 0 && (at == 0 || reference.charAt(at - 1) == '/')) {
          return reference.substring(at);
        }
      }
    }
    return type + "/" + id;
  }
}
