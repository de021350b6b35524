package io.brazier.sync.dataverse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.sync.map.AttributeMap;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Row;
import io.brazier.sync.map.Rows;
import io.brazier.sync.map.Table;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.temporal.Temporal;
import java.util.Map;
import java.util.UUID;

/**
 * The maps' tables as Dataverse entity sets: a table's entity set is its plural ({@code contact} to
 * {@code contacts}, as Dataverse names them), its columns are the entity's properties, and a column holding a row key
 * (a lookup, a codeable concept, the parent link of an expansion) is a single-valued navigation property of the same
 * name, set by {@code @odata.bind} to the row it points to (a child row's root by the root's alternate key, the FHIR
 * id). Option sets are the integers the value maps give.
 */
final class EntitySets {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  /**
   * The most places after the point a Dataverse decimal column holds: FHIR decimals may have more (Synthea's
   * coordinates have 14), which the service would refuse, failing the whole change set.
   */
  private static final int MAX_DECIMAL_PLACES = 10;

  private final MapSet maps;

  EntitySets(MapSet maps) {
    this.maps = maps;
  }

  /** A table's entity set: its plural, by the English rules Dataverse applies to its tables' names. */
  static String of(String table) {
    if (table.endsWith("y") && !table.matches(".*[aeiou]y")) {
      return table.substring(0, table.length() - 1) + "ies";
    }
    return table.matches(".*(s|x|z|ch|sh)") ? table + "es" : table + "s";
  }

  /** The URL of a root row by the alternate key Dataverse syncs on: {@code contacts(msemr_azurefhirid='12')}. */
  static String byFhirId(EntityMap map, String id) {
    return of(map.table()) + "(" + Table.FHIR_ID + "='" + id.replace("'", "''") + "')";
  }

  /** The URL of a row by its primary key: {@code msemr_medicalidentifiers(3f2c...)}. */
  static String byKey(String table, UUID key) {
    return of(table) + "(" + key + ")";
  }

  /**
   * The body of a row's upsert: its values, the row keys it holds as bindings, and a root row's own key (so the row
   * Dataverse creates has the key every lookup computes).
   */
  String body(Row row, Rows rows) {
    EntityMap map = row.map();
    ObjectNode body = JSON.createObjectNode();
    if (!map.isExpansion()) {
      body.put(map.keyColumn(), row.key().toString());
    }
    for (Map.Entry<String, Object> value : row.values().entrySet()) {
      String column = value.getKey();
      String target = column.equals(map.parentLink()) ? parentTable(rows, (UUID) value.getValue())
          : boundTable(map, column, rows, value.getValue());
      if (target != null && rows.root().key().equals(value.getValue()) && column.equals(map.parentLink())) {
        // The root by its FHIR id: a root row Dataverse made (write-back's create) keeps Dataverse's own key.
        body.put(column + "@odata.bind", "/" + byFhirId(rows.root().map(), rows.id()));
      } else if (target != null) {
        body.put(column + "@odata.bind", "/" + byKey(target, (UUID) value.getValue()));
      } else if (!isBinding(map, column)) {
        put(body, column, value.getValue());
      }
    }
    return body.toString();
  }

  /** The table a key column points to; null when it holds no key or none to bind (a reference not synced). */
  private String boundTable(EntityMap map, String column, Rows rows, Object value) {
    if (!(value instanceof UUID key)) {
      return null;
    }
    for (AttributeMap attribute : map.columns()) {
      if (column.equals(attribute.column())) {
        if (attribute.action() == AttributeMap.Action.CODEABLECONCEPT) {
          return Table.CONCEPTS.name();
        }
        String type = rows.lookups().get(key);
        EntityMap referenced = type == null ? null : maps.root(type);
        return attribute.action() == AttributeMap.Action.LOOKUP && referenced != null ? referenced.table() : null;
      }
    }
    return null;
  }

  /** Whether the column is a navigation property: bound when it has a row to point to, left alone otherwise. */
  private static boolean isBinding(EntityMap map, String column) {
    return column.equals(map.parentLink()) || map.columns().stream().anyMatch(attribute -> column.equals(
        attribute.column()) && (attribute.action() == AttributeMap.Action.LOOKUP
        || attribute.action() == AttributeMap.Action.CODEABLECONCEPT));
  }

  private static String parentTable(Rows rows, UUID parent) {
    return rows.rows().stream().filter(row -> row.key().equals(parent)).map(row -> row.map().table()).findFirst()
        .orElse(null);
  }

  private static void put(ObjectNode body, String column, Object value) {
    if (value == null) {
      body.putNull(column);
    } else if (value instanceof Integer number) {
      body.put(column, number);
    } else if (value instanceof Long number) {
      body.put(column, number);
    } else if (value instanceof BigDecimal number) {
      body.put(column, number.scale() > MAX_DECIMAL_PLACES
          ? number.setScale(MAX_DECIMAL_PLACES, RoundingMode.HALF_EVEN) : number);
    } else if (value instanceof Boolean flag) {
      body.put(column, flag);
    } else {
      body.put(column, value instanceof Temporal time ? time.toString() : value.toString());
    }
  }
}
