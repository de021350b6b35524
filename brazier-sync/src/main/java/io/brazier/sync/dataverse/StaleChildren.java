package io.brazier.sync.dataverse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.sync.map.AttributeMap;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.MapSet;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The child rows to delete when resources are written or deleted: those under their roots that the new rows do not
 * have (an identifier removed from a Patient), found by asking the service for the rows of each expansion's table
 * whose parent link ({@code _msemr_patient_value}, Dataverse's name for a lookup's value) is one of the parents, level
 * by level through nested expansions. Deeper rows come first, so no deletion finds its row already gone.
 */
final class StaleChildren {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  /** Parents per query: keeps the URL well under what the service takes. */
  private static final int PARENTS_PER_QUERY = 40;

  private final WebApi api;
  private final MapSet maps;

  StaleChildren(WebApi api, MapSet maps) {
    this.api = api;
    this.maps = maps;
  }

  /** The deletions of the rows under {@code parents} (root keys by map) that are not in {@code keep}. */
  List<ChangeSet.Request> deletions(Map<EntityMap, List<UUID>> parents, Set<UUID> keep)
      throws SQLException, InterruptedException {
    List<ChangeSet.Request> deletions = new ArrayList<>();
    for (Map.Entry<EntityMap, List<UUID>> level : parents.entrySet()) {
      deletions.addAll(0, under(level.getKey(), level.getValue(), keep));
    }
    return deletions;
  }

  private List<ChangeSet.Request> under(EntityMap parent, List<UUID> parents, Set<UUID> keep)
      throws SQLException, InterruptedException {
    List<ChangeSet.Request> deletions = new ArrayList<>();
    for (AttributeMap expansion : parent.expansions()) {
      EntityMap child = maps.map(expansion.map());
      if (!child.enabled() || parents.isEmpty()) {
        continue;
      }
      Set<UUID> existing = existing(child, parents);
      for (UUID key : existing) {
        if (!keep.contains(key)) {
          deletions.add(new ChangeSet.Request("DELETE", EntitySets.byKey(child.table(), key), null));
        }
      }
      Set<UUID> next = new LinkedHashSet<>(existing);
      keep.stream().filter(key -> !existing.contains(key)).forEach(next::add);
      deletions.addAll(0, under(child, List.copyOf(next), keep));
    }
    return deletions;
  }

  /** The keys of {@code child}'s rows under {@code parents}, page by page. */
  private Set<UUID> existing(EntityMap child, List<UUID> parents) throws SQLException, InterruptedException {
    Set<UUID> keys = new LinkedHashSet<>();
    for (int i = 0; i < parents.size(); i += PARENTS_PER_QUERY) {
      String filter = parents.subList(i, Math.min(parents.size(), i + PARENTS_PER_QUERY)).stream()
          .map(parent -> "_" + child.parentLink() + "_value eq " + parent).collect(Collectors.joining(" or "));
      String next = EntitySets.of(child.table()) + "?$select=" + child.keyColumn() + "&$filter="
          + filter.replace(" ", "%20");
      while (next != null) {
        JsonNode page = page(api.send("GET", next, Map.of("Prefer", "odata.maxpagesize=5000"), null, false));
        page.path("value").forEach(row -> keys.add(UUID.fromString(row.path(child.keyColumn()).asText())));
        next = page.path("@odata.nextLink").asText(null);
      }
    }
    return keys;
  }

  private static JsonNode page(WebApi.Reply reply) throws SQLException {
    try {
      return JSON.readTree(reply.body());
    } catch (IOException e) {
      throw new SQLException("Dataverse answered a query with what is not JSON: " + e.getMessage());
    }
  }
}
