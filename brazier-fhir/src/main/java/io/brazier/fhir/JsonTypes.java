package io.brazier.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Holds each value of a JSON resource to the JSON type FHIR gives it (https://hl7.org/fhir/R4/json.html): true or
 * false for a boolean, a number for integer, decimal, positiveInt and unsignedInt, a string for every other primitive,
 * an object for anything else, and an array exactly where the element repeats. HAPI's parser reads {@code "true"} as
 * a boolean without a word, but a JSON body is stored as the client's tree: what it let through would be served to
 * parsers that refuse it. Unknown elements, primitives' {@code _} siblings and nulls are left to the parser.
 */
final class JsonTypes {
  private static final Set<String> NUMBERS = Set.of("integer", "decimal", "positiveInt", "unsignedInt");

  private final FhirContext context;

  JsonTypes(FhirContext context) {
    this.context = context;
  }

  /**
   * Checks a resource the parser has read (so its type and those of the resources inside it are known): the first
   * value of a wrong JSON type is a 400.
   */
  void check(JsonNode resource) {
    check(resource, wrong -> {
      throw wrong;
    });
  }

  /** Tells {@code wrong} of each value of a wrong JSON type, as the 400 {@link #check(JsonNode)} would refuse it. */
  void check(JsonNode resource, Consumer<FhirException> wrong) {
    String type = resource.path("resourceType").asText();
    composite(context.getResourceDefinition(type), resource, new Path(null, type, -1), wrong);
  }

  private void composite(BaseRuntimeElementCompositeDefinition<?> definition, JsonNode object, Path at,
      Consumer<FhirException> wrong) {
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      BaseRuntimeChildDefinition child = definition.getChildByName(field.getKey());
      if (child != null && !field.getValue().isNull()) {
        child(child, field.getKey(), field.getValue(), at, wrong);
      }
    }
  }

  /** A child {@code name} of the object at {@code parent}. */
  private void child(BaseRuntimeChildDefinition child, String name, JsonNode value, Path parent,
      Consumer<FhirException> wrong) {
    boolean repeats = child.getMax() != 1;
    BaseRuntimeElementDefinition<?> element = child.getChildByName(name);
    if (repeats != value.isArray()) {
      wrong.accept(wrong(new Path(parent, name, -1), value, repeats ? "an array" : what(element)));
      return;
    }
    if (!repeats) {
      value(element, value, parent, name, -1, wrong);
      return;
    }
    for (int i = 0; i < value.size(); i++) {
      if (!value.get(i).isNull()) {
        value(element, value.get(i), parent, name, i, wrong);
      }
    }
  }

  /** The value of child {@code name} (item {@code index} of it, or -1) of the object at {@code parent}. */
  private void value(BaseRuntimeElementDefinition<?> definition, JsonNode value, Path parent, String name,
      int index, Consumer<FhirException> wrong) {
    if (definition == null || value.isObject() && value.has("resourceType")) {
      if (value.isObject() && value.path("resourceType").isTextual()) {
        composite(context.getResourceDefinition(value.get("resourceType").asText()), value,
            new Path(parent, name, index), wrong);
      }
      return;
    }
    boolean right = switch (definition.getChildType()) {
      case PRIMITIVE_DATATYPE, ID_DATATYPE, PRIMITIVE_XHTML, PRIMITIVE_XHTML_HL7ORG -> primitive(definition, value);
      default -> value.isObject();
    };
    if (!right) {
      wrong.accept(wrong(new Path(parent, name, index), value, what(definition)));
    } else if (definition instanceof BaseRuntimeElementCompositeDefinition<?> composite) {
      composite(composite, value, new Path(parent, name, index), wrong);
    }
  }

  private static boolean primitive(BaseRuntimeElementDefinition<?> definition, JsonNode value) {
    if ("boolean".equals(definition.getName())) {
      return value.isBoolean();
    }
    return NUMBERS.contains(definition.getName()) ? value.isNumber() : value.isTextual();
  }

  private static String what(BaseRuntimeElementDefinition<?> definition) {
    if (definition == null) {
      return "a single value";
    }
    return switch (definition.getChildType()) {
      case PRIMITIVE_DATATYPE, ID_DATATYPE, PRIMITIVE_XHTML, PRIMITIVE_XHTML_HL7ORG ->
          "boolean".equals(definition.getName()) ? "a boolean (true or false)"
              : NUMBERS.contains(definition.getName()) ? "a number" : "a string";
      default -> "an object";
    };
  }

  private static FhirException wrong(Path path, JsonNode value, String expected) {
    return FhirException.invalid("Element '" + path + "' is a JSON "
        + value.getNodeType().name().toLowerCase(Locale.ROOT) + " but must be " + expected
        + " (https://hl7.org/fhir/R4/json.html).");
  }

  /**
   * Where a value is ({@code Bundle.entry[0].resource.active}), made for the objects on the way down and spelt out
   * only for an error: every body passes through here, and almost every one is right.
   */
  private record Path(Path parent, String name, int index) {
    @Override
    public String toString() {
      String own = index < 0 ? name : name + "[" + index + "]";
      return parent == null ? own : parent + "." + own;
    }
  }
}
