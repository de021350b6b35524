package io.brazier.server.export;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code _elements} of an export: each resource keeps {@code id}, {@code meta}, its mandatory elements and the root
 * elements asked for ({@code element} for every type, {@code Type.element} for one), and is marked SUBSETTED. Only
 * such an export parses the stored JSON; it is a tree of Jackson's, never HAPI's model.
 * https://hl7.org/fhir/uv/bulkdata/export.html#query-parameters
 */
final class Elements {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUBSETTED_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

  private final Fhir fhir;
  private final List<String> asked;
  private final Map<String, Set<String>> keptByType = new ConcurrentHashMap<>();

  Elements(Fhir fhir, List<String> asked) {
    this.fhir = fhir;
    this.asked = List.copyOf(asked);
  }

  /**
   * Refuses (400) an element no exported type has: {@code Type.element} of a type that has no such element, or an
   * {@code element} of none of {@code types}.
   */
  static void check(Fhir fhir, List<String> asked, Collection<String> types) {
    for (String element : asked) {
      int dot = element.indexOf('.');
      if (dot > 0) {
        String type = element.substring(0, dot);
        if (!fhir.isResourceType(type) || !children(fhir, type).contains(element.substring(dot + 1))) {
          throw FhirException.badRequest("_elements: " + element + " is not an element of a resource type.");
        }
      } else if (types.stream().noneMatch(type -> children(fhir, type).contains(element))) {
        throw FhirException.badRequest("_elements: none of the exported types has an element " + element + ".");
      }
    }
  }

  boolean all() {
    return asked.isEmpty();
  }

  /** The resource cut to the elements kept, marked SUBSETTED. */
  byte[] apply(String type, byte[] json) {
    Set<String> kept = keptByType.computeIfAbsent(type, this::kept);
    try {
      ObjectNode resource = (ObjectNode) JSON.readTree(json);
      for (Iterator<String> names = resource.fieldNames(); names.hasNext(); ) {
        if (!keeps(kept, names.next())) {
          names.remove();
        }
      }
      ObjectNode meta = resource.has("meta") ? (ObjectNode) resource.get("meta") : resource.putObject("meta");
      (meta.has("tag") ? meta.withArray("tag") : meta.putArray("tag")).addObject()
          .put("system", SUBSETTED_SYSTEM).put("code", "SUBSETTED");
      return JSON.writeValueAsBytes(resource);
    } catch (IOException e) {
      throw new UncheckedIOException("A stored " + type + " is not JSON", e);
    }
  }

  /** A JSON property of a kept element: itself, or its primitive's extension ({@code _name}). */
  private static boolean keeps(Set<String> kept, String property) {
    return kept.contains(property.startsWith("_") ? property.substring(1) : property);
  }

  private Set<String> kept(String type) {
    Set<String> kept = new HashSet<>(Set.of("resourceType", "id", "meta"));
    for (BaseRuntimeChildDefinition child : fhir.definition(type).getChildren()) {
      String name = child.getElementName();
      if (child.getMin() > 0 || asked.contains(name) || asked.contains(type + "." + name)) {
        // A choice is asked for by its name (value) and written with its type's (valueQuantity).
        kept.addAll(child.getValidChildNames());
      }
    }
    return kept;
  }

  /** The root elements of a type, a choice by its name without [x]. */
  private static Set<String> children(Fhir fhir, String type) {
    Set<String> names = new HashSet<>();
    fhir.definition(type).getChildren().forEach(child -> names.add(child.getElementName().replace("[x]", "")));
    return names;
  }
}
