package io.brazier.sync.map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirPath;
import io.brazier.sync.map.AttributeMap.Action;
import io.brazier.sync.map.EntityMap.Discriminator;
import io.brazier.sync.map.EntityMap.Message;
import io.brazier.sync.map.EntityMap.OnDelete;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one entity map file. Everything is checked here, field by field, so that a mistake is refused with the file
 * and the field that holds it, before the map is used: unknown fields (a misspelt name would otherwise be ignored),
 * names that are not SQL identifiers, FHIRPath that does not compile, constants of the wrong type.
 */
public final class MapReader {
  /** Refuses a field given twice, which would otherwise keep the last silently (a copy-pasted attribute). */
  private static final ObjectMapper JSON = Jackson.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  /** Lower-case SQL identifiers, so that they need no quoting and cannot carry SQL. */
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Set<String> MAP_FIELDS = Set.of("resource", "table", "enabled", "writeBack", "messages",
      "onDelete", "discriminator", "parentLink", "attributes", "description");
  private static final Set<String> ATTRIBUTE_FIELDS = Set.of("column", "path", "type", "action", "values", "value",
      "required", "element", "map", "description");

  private final Fhir fhir;
  private final FhirPath fhirPath;

  public MapReader(Fhir fhir, FhirPath fhirPath) {
    this.fhir = fhir;
    this.fhirPath = fhirPath;
  }

  /** The FHIRPath engine the maps' paths are compiled with, for the checks that need the whole set. */
  FhirPath fhirPath() {
    return fhirPath;
  }

  /** The map in {@code file} (its name without {@code .json} names the map). */
  public EntityMap read(String file, byte[] content) {
    JsonNode json;
    try {
      json = JSON.readTree(content);
    } catch (JsonProcessingException e) {
      throw new MapException(file, null, "is not JSON: " + e.getOriginalMessage() + " at line "
          + e.getLocation().getLineNr());
    } catch (java.io.IOException e) {
      throw new MapException(file, null, "could not be read: " + e.getMessage());
    }
    if (json == null || !json.isObject()) {
      throw new MapException(file, null, "is not a JSON object: an entity map is {\"resource\": ..., \"table\": ...,"
          + " \"attributes\": [...]}");
    }
    return new Fields(file).map(json);
  }

  /** The reading of one file, which knows the file's name for every error. */
  private final class Fields {
    private final String file;

    Fields(String file) {
      this.file = file;
    }

    EntityMap map(JsonNode json) {
      known(json, MAP_FIELDS, null);
      String resource = text(json, "resource", null, true);
      if (!fhir.isResourceType(resource)) {
        throw error("resource", "'" + resource + "' is not an R4 resource type");
      }
      String table = identifier(json, "table", null, true);
      String parentLink = identifier(json, "parentLink", null, false);
      JsonNode attributes = json.get("attributes");
      if (attributes == null || !attributes.isArray() || attributes.isEmpty()) {
        throw error("attributes", "is missing: give an array of attribute maps");
      }
      List<AttributeMap> list = new ArrayList<>();
      for (int i = 0; i < attributes.size(); i++) {
        list.add(attribute(attributes.get(i), "attributes[" + i + "]"));
      }
      String name = file.endsWith(".json") ? file.substring(0, file.length() - 5) : file;
      return new EntityMap(name, resource, table, bool(json, "enabled", null, true), bool(json, "writeBack", null,
          false), messages(json), onDelete(json), discriminator(json), parentLink, list);
    }

    private AttributeMap attribute(JsonNode json, String field) {
      if (!json.isObject()) {
        throw error(field, "is not an object: give {\"column\": ..., \"path\": ...}");
      }
      known(json, ATTRIBUTE_FIELDS, field);
      Action action = action(json, field);
      String column = identifier(json, "column", field, action != Action.EXPAND);
      String path = text(json, "path", field, action != Action.DEFAULT);
      Expression expression = path == null ? null : expression(path, field + ".path");
      ColumnType type = type(json, field, action);
      Map<String, Object> values = action == Action.VALUE ? values(json.get("values"), type, field + ".values")
          : Map.of();
      Object value = constant(json.get("value"), type, field + ".value", action == Action.DEFAULT);
      String map = action == Action.EXPAND ? text(json, "map", field, true) : null;
      if (action != Action.EXPAND && json.has("map")) {
        throw error(field + ".map", "is only for the expand action");
      }
      return new AttributeMap(column, path, expression, type, action, values, value,
          bool(json, "required", field, false), element(json.get("element"), field + ".element"), map);
    }

    private Expression expression(String path, String field) {
      try {
        return Expression.compile(fhirPath, path);
      } catch (IllegalArgumentException e) {
        throw error(field, e.getMessage());
      }
    }

    private Action action(JsonNode json, String field) {
      String name = text(json, "action", field, false);
      if (name == null) {
        return Action.COPY;
      }
      for (Action action : Action.values()) {
        if (action.name().equalsIgnoreCase(name)) {
          return action;
        }
      }
      throw error(field + ".action", "'" + name + "' is not one of copy, default, value, lookup, codeableconcept,"
          + " expand");
    }

    private ColumnType type(JsonNode json, String field, Action action) {
      String name = text(json, "type", field, false);
      boolean keyed = action == Action.LOOKUP || action == Action.CODEABLECONCEPT;
      if (name == null) {
        return keyed ? ColumnType.UUID : ColumnType.STRING;
      }
      ColumnType type = ColumnType.named(name);
      if (type == null) {
        throw error(field + ".type", "'" + name + "' is not one of string, integer, decimal, boolean, date,"
            + " datetime, uuid");
      }
      if (keyed && type != ColumnType.UUID) {
        throw error(field + ".type", "must be uuid (or left out) for the " + action.name().toLowerCase(Locale.ROOT)
            + " action, which writes a row's key");
      }
      return type;
    }

    private Map<String, Object> values(JsonNode json, ColumnType type, String field) {
      if (json == null || !json.isObject() || json.isEmpty()) {
        throw error(field, "is missing: the value action needs {\"fhir value\": target value, ...}");
      }
      Map<String, Object> values = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : json.properties()) {
        values.put(entry.getKey(), constant(entry.getValue(), type, field + "." + entry.getKey(), true));
      }
      return values;
    }

    private Object constant(JsonNode json, ColumnType type, String field, boolean required) {
      if (json == null || json.isNull()) {
        if (required) {
          throw error(field, "is missing: give the value to write");
        }
        return null;
      }
      try {
        return type.of(json);
      } catch (IllegalArgumentException e) {
        throw error(field, e.getMessage() + ", as the column's type " + type.mapName() + " needs");
      }
    }

    private ElementMap element(JsonNode json, String field) {
      if (json == null || json.isNull()) {
        return null;
      }
      if (!json.isObject()) {
        throw error(field, "is not an object: give {\"s\": \"$.path\", \"c\": {\"p\": ..., \"a\": [...]}}");
      }
      known(json, Set.of("s", "c"), field);
      String select = text(json, "s", field, true);
      if (!select.startsWith("$")) {
        throw error(field + ".s", "'" + select + "' is not a JSONPath from the resource: start it with $.");
      }
      path(select, field + ".s");
      JsonNode create = json.get("c");
      return new ElementMap(select, create == null || create.isNull() ? null : template(create, field + ".c"));
    }

    /** An element map's path, checked to be of the JSONPath subset write-back follows. */
    private void path(String path, String field) {
      try {
        ElementPath.parse(path);
      } catch (IllegalArgumentException e) {
        throw error(field, e.getMessage());
      }
    }

    private ElementMap.Template template(JsonNode json, String field) {
      if (!json.isObject()) {
        throw error(field, "is not an object: give {\"p\": \"parent[0]\", \"a\": [{\"child\": \"%\"}]}");
      }
      known(json, Set.of("p", "a"), field);
      String parent = text(json, "p", field, true);
      path(parent, field + ".p");
      JsonNode list = json.get("a");
      if (list == null || !list.isArray()) {
        throw error(field + ".a", "is missing: give the children to create, [{\"name\": \"%\"}, ...]");
      }
      List<ElementMap.Assignment> assignments = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        JsonNode one = list.get(i);
        if (!one.isObject() || one.size() != 1) {
          throw error(field + ".a[" + i + "]", "is not an object of one child: give {\"name\": value}, where value"
              + " is %, %%, %%% or a literal");
        }
        Map.Entry<String, JsonNode> entry = one.properties().iterator().next();
        path(entry.getKey(), field + ".a[" + i + "]");
        assignments.add(new ElementMap.Assignment(entry.getKey(), entry.getValue()));
      }
      return new ElementMap.Template(parent, assignments);
    }

    private Set<Message> messages(JsonNode json) {
      JsonNode list = json.get("messages");
      if (list == null || list.isNull()) {
        return EnumSet.of(Message.CREATE, Message.UPDATE);
      }
      if (!list.isArray()) {
        throw error("messages", "is not an array: give [\"Create\", \"Update\", \"Delete\"]");
      }
      Set<Message> messages = EnumSet.noneOf(Message.class);
      for (int i = 0; i < list.size(); i++) {
        String name = list.get(i).asText();
        messages.add(switch (name) {
          case "Create" -> Message.CREATE;
          case "Update" -> Message.UPDATE;
          case "Delete" -> Message.DELETE;
          default -> throw error("messages[" + i + "]", "'" + name + "' is not Create, Update or Delete");
        });
      }
      return messages;
    }

    private OnDelete onDelete(JsonNode json) {
      String name = text(json, "onDelete", null, false);
      if (name == null || name.equals("delete")) {
        return OnDelete.DELETE;
      }
      if (name.equals("deactivate")) {
        return OnDelete.DEACTIVATE;
      }
      throw error("onDelete", "'" + name + "' is not delete or deactivate");
    }

    private Discriminator discriminator(JsonNode json) {
      JsonNode node = json.get("discriminator");
      if (node == null || node.isNull()) {
        return null;
      }
      if (!node.isObject()) {
        throw error("discriminator", "is not an object: give {\"column\": ..., \"value\": ...}");
      }
      known(node, Set.of("column", "value"), "discriminator");
      return new Discriminator(identifier(node, "column", "discriminator", true),
          text(node, "value", "discriminator", true));
    }

    private void known(JsonNode json, Set<String> fields, String parent) {
      for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!fields.contains(name)) {
          throw error(join(parent, name), "is not a field of " + (parent == null ? "an entity map" : "this object")
              + "; the fields are " + String.join(", ", new java.util.TreeSet<>(fields)));
        }
      }
    }

    private String identifier(JsonNode json, String name, String parent, boolean required) {
      String value = text(json, name, parent, required);
      if (value != null && !IDENTIFIER.matcher(value).matches()) {
        throw error(join(parent, name), "'" + value + "' is not a table or column name: use lower-case letters,"
            + " digits and _, starting with a letter or _, at most 63");
      }
      return value;
    }

    private String text(JsonNode json, String name, String parent, boolean required) {
      JsonNode value = json.get(name);
      if (value == null || value.isNull()) {
        if (required) {
          throw error(join(parent, name), "is missing");
        }
        return null;
      }
      if (!value.isTextual() || value.asText().isBlank()) {
        throw error(join(parent, name), "is not a non-empty string");
      }
      return value.asText();
    }

    private boolean bool(JsonNode json, String name, String parent, boolean fallback) {
      JsonNode value = json.get(name);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isBoolean()) {
        throw error(join(parent, name), "is not true or false");
      }
      return value.asBoolean();
    }

    private MapException error(String field, String problem) {
      return new MapException(file, field, problem);
    }
  }

  private static String join(String parent, String name) {
    return parent == null ? name : parent + "." + name;
  }
}
