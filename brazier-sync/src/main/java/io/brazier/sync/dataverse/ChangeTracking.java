package io.brazier.sync.dataverse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.sync.map.ColumnType;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Table;
import io.brazier.sync.target.RowStore;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dataverse's change tracking (OData delta, section 11.3 of OData v4.0 Protocol): the first read of an entity set
 * asks {@code Prefer: odata.track-changes} and gets every row, then a {@code @odata.deltaLink}; reading that link
 * gives the rows changed and deleted since, and the next link. Rows come back as the maps' columns (a lookup's
 * {@code _<column>_value} as the column), deletions by their key.
 */
final class ChangeTracking {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Pattern GUID = Pattern.compile(
      "([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\\)?$");
  private static final Map<String, String> TRACK = Map.of("Prefer", "odata.track-changes, odata.maxpagesize=500");

  private final WebApi api;

  ChangeTracking(WebApi api) {
    this.api = api;
  }

  /** The changes to the root tables of maps that write back since {@code positions} (delta links, by table). */
  RowStore.Tracked changes(MapSet maps, Map<String, String> positions) throws SQLException, InterruptedException {
    List<RowStore.Reported> rows = new ArrayList<>();
    Map<String, String> next = new LinkedHashMap<>();
    for (String name : writeBackTables(maps)) {
      Table table = maps.tables().stream().filter(each -> each.name().equals(name)).findFirst().orElseThrow();
      String url = positions.get(name);
      boolean first = url == null;
      Map<String, String> headers = first ? TRACK : Map.of();
      url = first ? EntitySets.of(name) : url;
      while (url != null) {
        JsonNode page = read(url, headers);
        for (JsonNode entry : page.path("value")) {
          // The first read answers every row: only those with sync on matter then, none being known yet.
          if (!first || entry.path(Table.SYNC_ENABLED).asBoolean(false)) {
            rows.add(reported(table, entry));
          }
        }
        url = page.path("@odata.nextLink").asText(null);
        if (url == null) {
          next.put(name, page.path("@odata.deltaLink").asText(positions.get(name)));
        }
      }
    }
    return new RowStore.Tracked(rows, next);
  }

  private static Set<String> writeBackTables(MapSet maps) {
    Set<String> tables = new TreeSet<>();
    maps.all().stream().filter(map -> map.enabled() && map.writeBack() && !map.isExpansion())
        .forEach(map -> tables.add(map.table()));
    return tables;
  }

  private JsonNode read(String url, Map<String, String> headers) throws SQLException, InterruptedException {
    WebApi.Reply reply = api.send("GET", url, headers, null, false);
    try {
      return JSON.readTree(reply.body());
    } catch (IOException e) {
      throw ServiceException.of(reply.status(), "GET " + url + " answered what is not JSON: " + e.getMessage());
    }
  }

  /** A delta entry: a deleted entity (4.0's {@code $deletedEntity}, or 4.01's {@code @removed}), or a row. */
  private static RowStore.Reported reported(Table table, JsonNode entry) throws SQLException {
    if (entry.has("@removed") || entry.path("@odata.context").asText("").endsWith("$deletedEntity")) {
      Matcher key = GUID.matcher(entry.path("id").asText(entry.path("@id").asText("")));
      if (!key.find()) {
        throw ServiceException.of(500, "A deletion in " + table.name() + "'s changes names no row: " + entry);
      }
      return new RowStore.Reported(table.name(), UUID.fromString(key.group(1)), null);
    }
    ObjectNode row = JSON.createObjectNode();
    row.set(table.keyColumn(), entry.get(table.keyColumn()));
    table.columns().forEach((column, type) -> {
      JsonNode value = entry.get(type == ColumnType.UUID ? "_" + column + "_value" : column);
      if (value != null) {
        row.set(column, value);
      }
    });
    return new RowStore.Reported(table.name(), UUID.fromString(entry.path(table.keyColumn()).asText()), row);
  }

  /** The reference of the resource whose root row has {@code key}, looked for in each root table. */
  String reference(MapSet maps, UUID key) throws SQLException, InterruptedException {
    for (EntityMap map : maps.all()) {
      if (map.isExpansion() || !map.enabled()) {
        continue;
      }
      WebApi.Reply reply = api.send("GET", EntitySets.byKey(map.table(), key), Map.of(), null, true);
      if (reply.status() == 404) {
        continue;
      }
      JsonNode row;
      try {
        row = JSON.readTree(reply.body());
      } catch (IOException e) {
        throw ServiceException.of(reply.status(), "A row of " + map.table() + " is not JSON: " + e.getMessage());
      }
      if (row.hasNonNull(Table.FHIR_ID) && (map.discriminator() == null
          || map.discriminator().value().equals(row.path(map.discriminator().column()).asText()))) {
        return map.resource() + "/" + row.get(Table.FHIR_ID).asText();
      }
    }
    return null;
  }
}
