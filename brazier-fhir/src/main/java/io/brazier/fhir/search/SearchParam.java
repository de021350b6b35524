package io.brazier.fhir.search;

import java.util.List;

/**
 * One search parameter as it applies to one resource type: {@code expression} is the FHIRPath that selects its values
 * in a resource of type {@code base} (for a composite, the items its {@code components} are evaluated on).
 * {@code targets} lists the resource types a reference may point to (empty: any).
 */
public record SearchParam(String url, String code, String base, ParamType type, String expression,
    List<String> targets, List<Component> components) {

  /** One part of a composite parameter: the definition of its type and the FHIRPath relative to the composite item. */
  public record Component(String definition, String expression) {}

  public SearchParam {
    targets = List.copyOf(targets);
    components = List.copyOf(components);
  }

  /**
   * The modifiers a search takes on this parameter, as the CapabilityStatement and the served definition list them:
   * its type's, but for the common parameters searched otherwise ({@link SearchParameters#OWN_MODIFIERS}).
   */
  public List<String> modifiers() {
    return SearchParameters.modifiers(code, type);
  }

  /** Whether the server indexes values for this parameter (the common ones like _id live in the resource table). */
  public boolean isIndexed() {
    return expression != null && !expression.isBlank() && !SearchParameters.RESOURCE_COLUMNS.contains(code);
  }
}
