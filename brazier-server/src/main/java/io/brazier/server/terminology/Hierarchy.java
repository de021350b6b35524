package io.brazier.server.terminology;

import io.brazier.fhir.FhirException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeSystem.ConceptPropertyComponent;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetFilterComponent;

/**
 * The concepts of a stored CodeSystem and their is-a hierarchy, from nested concepts and from the {@code parent} and
 * {@code child} properties. https://hl7.org/fhir/R4/codesystem.html#hierarchy
 */
public final class Hierarchy {
  private final CodeSystem codeSystem;
  private final Map<String, ConceptDefinitionComponent> concepts = new LinkedHashMap<>();
  private final Map<String, Set<String>> children = new HashMap<>();
  private final Map<String, Set<String>> parents = new HashMap<>();

  Hierarchy(CodeSystem codeSystem) {
    this.codeSystem = codeSystem;
    codeSystem.getConcept().forEach(concept -> add(concept, null));
  }

  private void add(ConceptDefinitionComponent concept, String parent) {
    concepts.put(concept.getCode(), concept);
    if (parent != null) {
      link(parent, concept.getCode());
    }
    for (ConceptPropertyComponent property : concept.getProperty()) {
      if (property.getCode().equals("parent") && property.hasValueCodeType()) {
        link(property.getValueCodeType().getValue(), concept.getCode());
      } else if (property.getCode().equals("child") && property.hasValueCodeType()) {
        link(concept.getCode(), property.getValueCodeType().getValue());
      }
    }
    concept.getConcept().forEach(child -> add(child, concept.getCode()));
  }

  private void link(String parent, String child) {
    children.computeIfAbsent(parent, p -> new LinkedHashSet<>()).add(child);
    parents.computeIfAbsent(child, c -> new LinkedHashSet<>()).add(parent);
  }

  public CodeSystem codeSystem() {
    return codeSystem;
  }

  public ConceptDefinitionComponent concept(String code) {
    return concepts.get(code);
  }

  public Set<String> all() {
    return new LinkedHashSet<>(concepts.keySet());
  }

  public String display(String code) {
    ConceptDefinitionComponent concept = concepts.get(code);
    return concept == null ? null : concept.getDisplay();
  }

  /** The codes directly above a code. */
  public Set<String> parents(String code) {
    return parents.getOrDefault(code, Set.of());
  }

  /** The codes directly below a code. */
  public Set<String> children(String code) {
    return children.getOrDefault(code, Set.of());
  }

  /** The code and every code it subsumes. */
  public Set<String> below(String code) {
    return closure(code, children);
  }

  /** The code and every code that subsumes it. */
  public Set<String> above(String code) {
    return closure(code, parents);
  }

  private static Set<String> closure(String code, Map<String, Set<String>> edges) {
    Set<String> found = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    todo.add(code);
    while (!todo.isEmpty()) {
      String next = todo.poll();
      if (found.add(next)) {
        todo.addAll(edges.getOrDefault(next, Set.of()));
      }
    }
    return found;
  }

  /** The codes a ValueSet compose filter selects: on the {@code concept} property, is-a and its kin. */
  Set<String> filter(ConceptSetFilterComponent filter) {
    String property = filter.getProperty();
    String value = filter.getValue();
    String op = filter.hasOp() ? filter.getOp().toCode() : "";
    if (!"concept".equals(property) && !"code".equals(property)) {
      throw FhirException.badRequest("ValueSet filters on property '" + property + "' are not supported; filters"
          + " on concept (is-a, descendent-of, is-not-a, =, in) are.");
    }
    Set<String> codes = new LinkedHashSet<>();
    switch (op) {
      case "is-a" -> codes.addAll(below(value));
      case "descendent-of" -> {
        codes.addAll(below(value));
        codes.remove(value);
      }
      case "is-not-a" -> {
        codes.addAll(all());
        codes.removeAll(below(value));
      }
      case "=" -> codes.add(value);
      case "in" -> codes.addAll(java.util.List.of(value.split(",")));
      default -> throw FhirException.badRequest("ValueSet filter operation '" + op + "' is not supported.");
    }
    return codes;
  }
}
