package io.brazier.sync.map;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The original agent's FHIR element map, {@code {"s": ..., "c": {"p": ..., "a": [...]}}}: how write-back finds an
 * element in the FHIR resource (a JSONPath, {@code s}) and, when it is missing, which parent to create ({@code c.p})
 * with which children ({@code c.a}). Kept with the maps now; write-back (part 2 of the agent) uses it.
 *
 * @param select the JSONPath of the element, from {@code $}
 * @param create what to create when {@code select} finds nothing; null when nothing is created
 */
record ElementMap(String select, Template create) {

  /** A parent element to create, at an absolute path, and what to put in it. */
  public record Template(String parent, List<Assignment> assignments) {
    public Template {
      assignments = List.copyOf(assignments);
    }
  }

  /** One child of a created element: a literal value, or one of the placeholders. */
  public record Assignment(String path, JsonNode value) {

    /** What {@code value} stands for. */
    public Placeholder placeholder() {
      if (!value.isTextual()) {
        return Placeholder.LITERAL;
      }
      return switch (value.asText()) {
        case "%" -> Placeholder.VALUE;
        case "%%" -> Placeholder.REFERENCED_TYPE;
        case "%%%" -> Placeholder.REFERENCE;
        default -> Placeholder.LITERAL;
      };
    }
  }

  /** The placeholders of a template: {@code %}, {@code %%}, {@code %%%}, or none (a literal default). */
  public enum Placeholder {
    /** {@code %}: the row's value of the attribute. */
    VALUE,
    /** {@code %%}: the type of the resource a lookup references. */
    REFERENCED_TYPE,
    /** {@code %%%}: the reference a lookup makes, {@code Type/id}. */
    REFERENCE,
    /** Anything else: written as it is. */
    LITERAL
  }
}
