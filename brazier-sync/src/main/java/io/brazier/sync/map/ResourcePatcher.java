package io.brazier.sync.map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Write-back's half of a map: puts a row's values into a FHIR resource through the attributes' element maps. Only
 * the columns the target changed are written, and of those only the ones whose value differs from what the resource
 * maps to, so that FHIR's own way of writing a value (a date's precision, a phone's other elements) is kept; a value
 * is set where the element's path finds it, made from the element's template when it does not, and removed when the
 * row's value is null. Columns without an element map are FHIR's alone and are not written back.
 */
public final class ResourcePatcher {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The reference ({@code Type/id}) of the row a lookup column's key names; null when no row has it. */
  @FunctionalInterface
  public interface References {
    String of(UUID key) throws SQLException;
  }

  /** The resource patched, and the columns that changed it (none: nothing to write). */
  public record Patched(ObjectNode resource, List<String> columns) {}

  private ResourcePatcher() {}

  /**
   * Patches a copy of {@code resource} with the {@code changed} columns of {@code row}.
   *
   * @param fhirValues what {@code resource} maps to now, column by column (empty for a resource being made)
   * @throws MappingException when a required column is empty, or a value cannot be written back (its element's path
   *     cannot be made in the resource, say), naming the column
   */
  public static Patched patch(EntityMap map, ObjectNode resource, Map<String, Object> fhirValues, ObjectNode row,
      Set<String> changed, References references) throws SQLException {
    ObjectNode patched = resource.deepCopy();
    List<String> columns = new ArrayList<>();
    for (AttributeMap attribute : map.columns()) {
      Object value = value(map, attribute, row);
      if (attribute.required() && value == null) {
        throw new MappingException(map.table() + "." + attribute.column() + " is required to write "
            + map.resource() + " back, and it is empty");
      }
      if (attribute.element() == null || !changed.contains(attribute.column())
          || same(value, fhirValues.get(attribute.column()))) {
        continue;
      }
      JsonNode fhir = value == null ? null : fhir(map, attribute, value, references);
      try {
        write(patched, attribute.element(), fhir, reference(attribute, fhir));
      } catch (IllegalArgumentException e) {
        // A path that runs through what the resource has otherwise (a primitive, say): the map's, every time.
        throw new MappingException(map.table() + "." + attribute.column() + ": " + e.getMessage());
      }
      columns.add(attribute.column());
    }
    prune(patched);
    return new Patched(patched, columns);
  }

  /**
   * The columns written back whose value in {@code row} differs from {@code fhirValues}, what a version of the
   * resource maps to: what the target changed since that version, for a target that tells a row's values but not
   * what they were before.
   */
  public static java.util.Set<String> differing(EntityMap map, Map<String, Object> fhirValues, ObjectNode row) {
    java.util.Set<String> columns = new java.util.LinkedHashSet<>();
    for (AttributeMap attribute : map.columns()) {
      if (attribute.element() != null && !same(value(map, attribute, row), fhirValues.get(attribute.column()))) {
        columns.add(attribute.column());
      }
    }
    return columns;
  }

  /** The row's value of a column, as the column's type. */
  private static Object value(EntityMap map, AttributeMap attribute, ObjectNode row) {
    try {
      return attribute.type().of(row.get(attribute.column()));
    } catch (IllegalArgumentException e) {
      throw new MappingException(map.table() + "." + attribute.column() + ": " + e.getMessage());
    }
  }

  /** Equal values of a column, whatever their scale or offset. */
  static boolean same(Object row, Object fhir) {
    if (row instanceof BigDecimal a && fhir instanceof BigDecimal b) {
      return a.compareTo(b) == 0;
    }
    if (row instanceof OffsetDateTime a && fhir instanceof OffsetDateTime b) {
      return a.isEqual(b);
    }
    return Objects.equals(row, fhir);
  }

  /** A column's value as the FHIR element's JSON value. */
  private static JsonNode fhir(EntityMap map, AttributeMap attribute, Object value, References references)
      throws SQLException {
    String column = map.table() + "." + attribute.column();
    return switch (attribute.action()) {
      case VALUE -> NODES.textNode(attribute.values().entrySet().stream().filter(entry -> same(value,
          entry.getValue())).map(Map.Entry::getKey).findFirst().orElseThrow(() -> new MappingException(column + ": "
          + value + " is none of the values its map lists, " + attribute.values().values())));
      case LOOKUP -> {
        String reference = references.of((UUID) value);
        if (reference == null) {
          throw new MappingException(column + ": no row of the target has the key " + value);
        }
        yield NODES.textNode(reference);
      }
      case CODEABLECONCEPT, EXPAND -> throw new MappingException(column + ": a " + attribute.action().name()
          .toLowerCase(java.util.Locale.ROOT) + " attribute is not written back; remove its element map");
      default -> primitive(value);
    };
  }

  private static JsonNode primitive(Object value) {
    if (value instanceof Integer number) {
      return NODES.numberNode(number);
    }
    if (value instanceof BigDecimal number) {
      return NODES.numberNode(number);
    }
    if (value instanceof Boolean bool) {
      return NODES.booleanNode(bool);
    }
    if (value instanceof LocalDate date) {
      return NODES.textNode(date.toString());
    }
    if (value instanceof OffsetDateTime time) {
      return NODES.textNode(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time.withOffsetSameInstant(
          ZoneOffset.UTC)));
    }
    return NODES.textNode(value.toString());
  }

  private static String reference(AttributeMap attribute, JsonNode fhir) {
    return attribute.action() == AttributeMap.Action.LOOKUP && fhir != null ? fhir.asText() : null;
  }

  /** Sets (or removes) the element, made from the template when its path finds nothing. */
  private static void write(ObjectNode resource, ElementMap element, JsonNode value, String reference) {
    ElementPath.Location location = ElementPath.parse(element.select()).locate(resource);
    if (location != null) {
      if (value == null) {
        location.remove();
      } else {
        location.set(value);
      }
      return;
    }
    if (value == null) {
      return;
    }
    if (element.create() == null) {
      throw new MappingException("'" + element.select() + "' finds nothing in the resource and its element map has"
          + " no template (c) to make it");
    }
    ObjectNode parent = parent(resource, element.create());
    for (ElementMap.Assignment assignment : element.create().assignments()) {
      ElementPath.parse(assignment.path()).make(parent).set(switch (assignment.placeholder()) {
        case VALUE -> value;
        case REFERENCE -> NODES.textNode(reference);
        case REFERENCED_TYPE -> NODES.textNode(reference == null ? "" : reference.substring(0,
            reference.indexOf('/')));
        case LITERAL -> assignment.value();
      });
    }
  }

  /**
   * The template's parent element: the one at its path when that one agrees with the template's literal children
   * ({@code use: official}), otherwise a new one (appended, for an array).
   */
  private static ObjectNode parent(ObjectNode resource, ElementMap.Template template) {
    ElementPath.Location location = ElementPath.parse(template.parent()).make(resource);
    JsonNode existing = location.get();
    if (existing instanceof ObjectNode element && agrees(element, template)) {
      return element;
    }
    ObjectNode made = NODES.objectNode();
    if (location.field() == null) {
      ((ArrayNode) location.container()).add(made);
    } else {
      location.set(made);
    }
    return made;
  }

  private static boolean agrees(ObjectNode element, ElementMap.Template template) {
    for (ElementMap.Assignment assignment : template.assignments()) {
      String field = ElementPath.parse(assignment.path()).singleField();
      if (assignment.placeholder() == ElementMap.Placeholder.LITERAL && field != null && element.has(field)
          && !element.get(field).equals(assignment.value())) {
        return false;
      }
    }
    return true;
  }

  /** Removes the arrays and objects that removals left empty, which FHIR does not allow. */
  private static void prune(JsonNode node) {
    for (Iterator<JsonNode> children = node.elements(); children.hasNext(); ) {
      JsonNode child = children.next();
      if (child.isContainerNode()) {
        prune(child);
        if (child.isEmpty()) {
          children.remove();
        }
      }
    }
  }
}
