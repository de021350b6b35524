package io.brazier.sync.map;

import java.util.List;
import java.util.Set;

/**
 * One entity map, read from one file: how resources of one FHIR type become rows of one table (a root map), or how
 * the elements of one of their arrays become rows of a child table that link to their parent row (an expansion).
 *
 * @param name the file's name without {@code .json}; expand attributes name expansions by it
 * @param resource the FHIR resource type
 * @param enabled a disabled map writes nothing and its resources are left alone
 * @param writeBack whether rows of this table may be written back to FHIR (part 2 of the agent)
 * @param messages what write-back may do to FHIR: create resources, update them, delete them (by default create and
 *     update: deleting in FHIR because a row went is asked for by name)
 * @param onDelete what a deleted resource does to its row: delete it (and its child rows), or mark it inactive
 * @param discriminator a column and value written on every row, telling apart resource types that share a table
 *     (Patient and Practitioner in {@code contact}); null when the table holds one type
 * @param parentLink for an expansion, the column that holds the parent row's key; null for a root map
 */
public record EntityMap(String name, String resource, String table, boolean enabled, boolean writeBack,
    Set<Message> messages, OnDelete onDelete, Discriminator discriminator, String parentLink,
    List<AttributeMap> attributes) {

  /** A write-back message: what the target may ask of FHIR. */
  public enum Message { CREATE, UPDATE, DELETE }

  /** What a deleted resource does to its row. */
  public enum OnDelete { DELETE, DEACTIVATE }

  /** A column every row of the map gets, with one value. */
  public record Discriminator(String column, String value) {}

  public EntityMap {
    messages = Set.copyOf(messages);
    attributes = List.copyOf(attributes);
  }

  public boolean isExpansion() {
    return parentLink != null;
  }

  /** The primary key column: the table's name and {@code id}, as the system of engagement names them. */
  public String keyColumn() {
    return table + "id";
  }

  /** The expand attributes: the child maps this map hands its arrays to. */
  public List<AttributeMap> expansions() {
    return attributes.stream().filter(attribute -> attribute.action() == AttributeMap.Action.EXPAND).toList();
  }

  /** The attributes that write a column of this map's table. */
  public List<AttributeMap> columns() {
    return attributes.stream().filter(attribute -> attribute.action() != AttributeMap.Action.EXPAND).toList();
  }
}
