package io.brazier.sync.map;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every entity map in force, checked as a whole: each expand attribute names an expansion of the same resource,
 * each expansion is named by exactly one expand attribute, a resource type has at most one enabled root map, and
 * maps that share a table agree on its columns' types. Immutable: a reload builds a new set.
 */
public final class MapSet {
  private final String origin;
  private final Map<String, EntityMap> byName;
  private final Map<String, EntityMap> roots;
  private final Map<String, Table> tables;

  private MapSet(String origin, Map<String, EntityMap> byName, Map<String, EntityMap> roots,
      Map<String, Table> tables) {
    this.origin = origin;
    this.byName = byName;
    this.roots = roots;
    this.tables = tables;
  }

  /**
   * @param origin where the maps come from (a directory, or the built-in set), for the status
   * @throws MapException naming the file and field of the first inconsistency
   */
  public static MapSet of(String origin, List<EntityMap> maps) {
    Map<String, EntityMap> byName = new TreeMap<>();
    maps.forEach(map -> byName.put(map.name(), map));
    Map<String, EntityMap> roots = new TreeMap<>();
    Map<String, String> parents = new HashMap<>();
    for (EntityMap map : byName.values()) {
      if (!map.isExpansion() && map.enabled()) {
        EntityMap other = roots.putIfAbsent(map.resource(), map);
        if (other != null) {
          throw new MapException(file(map), "resource", "another enabled map, " + file(other) + ", already maps "
              + map.resource() + ": disable one of them");
        }
      }
      checkExpansions(map, byName, parents);
    }
    for (EntityMap map : byName.values()) {
      if (map.isExpansion() && !parents.containsKey(map.name())) {
        throw new MapException(file(map), "parentLink", "makes this map an expansion, but no expand attribute"
            + " names it: add {\"action\": \"expand\", \"map\": \"" + map.name() + "\", ...} to its parent map");
      }
      if (map.isExpansion()) {
        checkReachesRoot(map, byName, parents);
      }
    }
    return new MapSet(origin, byName, roots, Tables.of(byName.values()));
  }

  private static void checkExpansions(EntityMap map, Map<String, EntityMap> byName, Map<String, String> parents) {
    for (int i = 0; i < map.attributes().size(); i++) {
      AttributeMap attribute = map.attributes().get(i);
      if (attribute.action() != AttributeMap.Action.EXPAND) {
        continue;
      }
      String field = "attributes[" + i + "].map";
      EntityMap child = byName.get(attribute.map());
      if (child == null || !child.isExpansion()) {
        throw new MapException(file(map), field, child == null ? "no map is named '" + attribute.map() + "'"
            : file(child) + " is not an expansion: give it a parentLink column");
      }
      if (!child.resource().equals(map.resource())) {
        throw new MapException(file(map), field, file(child) + " maps " + child.resource() + ", not "
            + map.resource());
      }
      String other = parents.putIfAbsent(child.name(), map.name());
      if (other != null) {
        throw new MapException(file(map), field, file(child) + " is already the expansion of " + other + ".json;"
            + " an expansion has one parent");
      }
    }
  }

  /** An expansion's parents lead to a root map, not round in a circle. */
  private static void checkReachesRoot(EntityMap map, Map<String, EntityMap> byName, Map<String, String> parents) {
    EntityMap current = map;
    for (int steps = 0; current.isExpansion(); steps++) {
      if (steps > byName.size()) {
        throw new MapException(file(map), "parentLink", "its parents expand each other in a circle and reach no"
            + " root map");
      }
      current = byName.get(parents.get(current.name()));
    }
  }

  static String file(EntityMap map) {
    return map.name() + ".json";
  }

  /** Where the maps come from: a directory, or {@code built-in}. */
  public String origin() {
    return origin;
  }

  /** The enabled root map of a resource type, or null when its resources are not synced. */
  public EntityMap root(String type) {
    return roots.get(type);
  }

  public EntityMap map(String name) {
    return byName.get(name);
  }

  /** The resource types that have an enabled root map. */
  public Set<String> types() {
    return roots.keySet();
  }

  public Collection<EntityMap> all() {
    return byName.values();
  }

  /** Every table the maps write, the codeable concepts' included, by name. */
  public Collection<Table> tables() {
    return tables.values();
  }

  /** The column shapes of the tables, built from the maps. */
  private static final class Tables {
    static Map<String, Table> of(Collection<EntityMap> maps) {
      Map<String, Map<String, ColumnType>> columns = new TreeMap<>();
      Map<String, EntityMap> owners = new HashMap<>();
      Map<String, Table> tables = new LinkedHashMap<>();
      columns.put(Table.CONCEPTS.name(), new LinkedHashMap<>(Table.CONCEPTS.columns()));
      for (EntityMap map : maps) {
        EntityMap first = owners.putIfAbsent(map.table(), map);
        if (first != null && !java.util.Objects.equals(first.parentLink(), map.parentLink())) {
          throw new MapException(file(map), first.isExpansion() && map.isExpansion() ? "parentLink" : "table",
              map.table() + " is " + (first.isExpansion() ? "the child table, linked by " + first.parentLink() + ","
              : "the root table") + " of " + file(first) + "; maps that share a table share its shape");
        }
        if (map.table().equals(Table.CONCEPTS.name())) {
          throw new MapException(file(map), "table", map.table() + " is written by the codeableconcept action");
        }
        Map<String, ColumnType> table = columns.computeIfAbsent(map.table(), name -> new LinkedHashMap<>(
            map.isExpansion() ? Map.of() : Table.ROOT_COLUMNS));
        addColumns(map, table);
      }
      columns.forEach((name, shape) -> tables.put(name, name.equals(Table.CONCEPTS.name()) ? Table.CONCEPTS
          : new Table(name, name + "id", owners.get(name).parentLink(), shape)));
      return tables;
    }

    private static void addColumns(EntityMap map, Map<String, ColumnType> table) {
      Set<String> own = new java.util.HashSet<>();
      if (map.parentLink() != null) {
        add(map, "parentLink", map.parentLink(), ColumnType.UUID, table, own);
      }
      if (map.discriminator() != null) {
        add(map, "discriminator.column", map.discriminator().column(), ColumnType.STRING, table, own);
      }
      for (int i = 0; i < map.attributes().size(); i++) {
        AttributeMap attribute = map.attributes().get(i);
        if (attribute.column() != null && attribute.action() != AttributeMap.Action.EXPAND) {
          add(map, "attributes[" + i + "].column", attribute.column(), attribute.type(), table, own);
        }
      }
    }

    private static void add(EntityMap map, String field, String column, ColumnType type,
        Map<String, ColumnType> table, Set<String> own) {
      if (column.equals(map.keyColumn()) || (!map.isExpansion() && Table.ROOT_COLUMNS.containsKey(column))) {
        throw new MapException(file(map), field, column + " is written by the agent itself");
      }
      if (!own.add(column)) {
        throw new MapException(file(map), field, column + " is written twice by this map");
      }
      ColumnType existing = table.putIfAbsent(column, type);
      if (existing != null && existing != type) {
        throw new MapException(file(map), field, column + " of " + map.table() + " is " + existing.mapName()
            + " in another map, not " + type.mapName());
      }
    }
  }
}
