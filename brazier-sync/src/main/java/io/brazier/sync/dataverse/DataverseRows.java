package io.brazier.sync.dataverse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.sync.DataverseConfig;
import io.brazier.sync.map.Concept;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.Keys;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Row;
import io.brazier.sync.map.Table;
import io.brazier.sync.target.Item;
import io.brazier.sync.target.RowChange;
import io.brazier.sync.target.RowStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows in Dataverse, through its Web API. A batch of resources becomes {@code $batch} requests of one change set
 * each (at most {@code --sync-dataverse-batch} requests, a resource's rows never split between two): first the
 * deletion of child rows the new versions no longer have, then the codeable concepts, then each resource's root row,
 * upserted by its alternate key ({@code PATCH contacts(msemr_azurefhirid='12')}), with its expansion rows, upserted
 * by their computed keys; resources that others in the batch point to come first, as Dataverse refuses a binding to
 * a row that does not exist. Deletions and deactivations follow one by one (a row already gone is no failure).
 * Every request puts a row in the state of its version, so a batch written again, after any failure, changes
 * nothing that was written already.
 */
public final class DataverseRows implements RowStore {
  private static final Logger log = LoggerFactory.getLogger(DataverseRows.class);
  private static final ObjectMapper JSON = Jackson.MAPPER;

  private final DataverseConfig config;
  private final WebApi api;
  private final ChangeTracking tracking;

  public DataverseRows(DataverseConfig config) {
    this.config = config;
    this.api = new WebApi(config);
    this.tracking = new ChangeTracking(api);
  }

  /** Checks that the service has an entity set for every table of the maps; Dataverse's tables are its own. */
  @Override
  public void prepare(MapSet maps) {
    String metadata;
    try {
      metadata = api.send("GET", "$metadata", Map.of("Accept", "application/xml"), null, false).body();
    } catch (SQLException e) {
      throw new IllegalStateException("Dataverse's $metadata could not be read: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading Dataverse's $metadata", e);
    }
    List<String> missing = new ArrayList<>();
    maps.tables().forEach(table -> {
      if (!metadata.contains("EntitySet Name=\"" + EntitySets.of(table.name()) + "\"")) {
        missing.add(EntitySets.of(table.name()));
      }
    });
    if (!missing.isEmpty()) {
      throw new IllegalStateException("Dataverse at " + config.url() + " has no entity sets " + missing
          + " that the maps write to; install the solution that makes them, or change the maps");
    }
    log.info("Dataverse target ready url={} entitySets={}", config.url(), maps.tables().size());
  }

  @Override
  public void write(Connection transaction, MapSet maps, List<Item> written, List<Item> deleted)
      throws SQLException {
    try {
      EntitySets sets = new EntitySets(maps);
      List<List<ChangeSet.Request>> groups = new ArrayList<>();
      groups.add(new StaleChildren(api, maps).deletions(parents(written, deleted), keys(written)));
      groups.add(concepts(written));
      for (Item item : Dependencies.first(written)) {
        List<ChangeSet.Request> group = new ArrayList<>();
        for (Row row : item.rows().rows()) {
          String url = row.map().isExpansion() ? EntitySets.byKey(row.map().table(), row.key())
              : EntitySets.byFhirId(row.map(), item.id());
          group.add(new ChangeSet.Request("PATCH", url, sets.body(row, item.rows())));
        }
        groups.add(group);
      }
      for (ChangeSet changeSet : pack(groups)) {
        send(changeSet);
      }
      for (Item item : deleted) {
        delete(item);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("Interrupted while writing to Dataverse", e);
    }
  }

  /** The roots whose child rows are replaced (written) or removed (deleted rather than deactivated). */
  private static Map<EntityMap, List<UUID>> parents(List<Item> written, List<Item> deleted) {
    Map<EntityMap, List<UUID>> parents = new LinkedHashMap<>();
    List<Item> all = new ArrayList<>(written);
    deleted.stream().filter(item -> item.map().onDelete() == EntityMap.OnDelete.DELETE).forEach(all::add);
    all.forEach(item -> parents.computeIfAbsent(item.map(), map -> new ArrayList<>())
        .add(Keys.row(item.type(), item.id())));
    return parents;
  }

  private static Set<UUID> keys(List<Item> written) {
    Set<UUID> keys = new HashSet<>();
    written.forEach(item -> item.rows().rows().forEach(row -> keys.add(row.key())));
    return keys;
  }

  /** Each concept once, upserted by its key (its content never changes). */
  private static List<ChangeSet.Request> concepts(List<Item> written) {
    Map<UUID, Concept> unique = new LinkedHashMap<>();
    written.forEach(item -> item.rows().concepts().forEach(concept -> unique.putIfAbsent(concept.key(), concept)));
    List<ChangeSet.Request> requests = new ArrayList<>();
    for (Concept concept : unique.values()) {
      String body = JSON.createObjectNode().put("msemr_system", concept.system()).put("msemr_code", concept.code())
          .put("msemr_name", concept.name()).toString();
      requests.add(new ChangeSet.Request("PATCH", EntitySets.byKey(Table.CONCEPTS.name(), concept.key()), body));
    }
    return requests;
  }

  /** Groups into change sets of at most the batch size; a group larger than that is a change set of its own. */
  private List<ChangeSet> pack(List<List<ChangeSet.Request>> groups) {
    List<ChangeSet> changeSets = new ArrayList<>();
    ChangeSet current = new ChangeSet();
    for (List<ChangeSet.Request> group : groups) {
      for (List<ChangeSet.Request> part : split(group)) {
        if (!current.isEmpty() && current.size() + part.size() > config.batchSize()) {
          changeSets.add(current);
          current = new ChangeSet();
        }
        part.forEach(current::add);
      }
    }
    if (!current.isEmpty()) {
      changeSets.add(current);
    }
    return changeSets;
  }

  /** Concepts and stale rows are independent requests, split at will; a resource's rows stay together. */
  private List<List<ChangeSet.Request>> split(List<ChangeSet.Request> group) {
    boolean independent = group.stream().allMatch(request -> request.method().equals("DELETE")
        || request.url().startsWith(EntitySets.of(Table.CONCEPTS.name()) + "("));
    if (!independent || group.size() <= config.batchSize()) {
      return List.of(group);
    }
    List<List<ChangeSet.Request>> parts = new ArrayList<>();
    for (int i = 0; i < group.size(); i += config.batchSize()) {
      parts.add(group.subList(i, Math.min(group.size(), i + config.batchSize())));
    }
    return parts;
  }

  private void send(ChangeSet changeSet) throws SQLException, InterruptedException {
    String boundary = "batch_" + UUID.randomUUID();
    WebApi.Reply reply = api.send("POST", "$batch", Map.of("Content-Type", "multipart/mixed; boundary=" + boundary),
        changeSet.body(api.base().toString(), boundary), false);
    ChangeSet.Failure failure = ChangeSet.failure(reply.body());
    if (failure != null) {
      throw ServiceException.of(failure.status(), "Dataverse refused a change set of " + changeSet.size()
          + " requests: " + WebApi.error(new WebApi.Reply(failure.status(), "", failure.body(), null)));
    }
  }

  /** A deleted resource's row: deleted, or marked inactive at the deletion's version; one already gone is fine. */
  private void delete(Item item) throws SQLException, InterruptedException {
    String url = EntitySets.byKey(item.map().table(), Keys.row(item.type(), item.id()));
    if (item.map().onDelete() == EntityMap.OnDelete.DELETE) {
      api.send("DELETE", url, Map.of(), null, true);
      return;
    }
    var body = JSON.createObjectNode().put(Table.STATE, 1);
    if (item.version() != null) {
      body.put(Table.FHIR_VERSION, item.version());
    }
    // If-Match: * makes the PATCH an update only: a row that is not there is not created.
    api.send("PATCH", url, Map.of("Content-Type", "application/json", "If-Match", "*"), body.toString(), true);
  }

  /** Write-back's changes come from Dataverse's change tracking. */
  @Override
  public Tracked changes(MapSet maps, Map<String, String> positions) throws SQLException {
    try {
      return tracking.changes(maps, positions);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("Interrupted while reading Dataverse's changes", e);
    }
  }

  /** The new resource's id goes on the row first: the feed upserts roots by it, and so finds this row. */
  @Override
  public void creating(EntityMap map, UUID key, String id) throws SQLException {
    stamp(map, key, JSON.createObjectNode().put(Table.FHIR_ID, id).toString());
  }

  /**
   * Only the resource's id, version and time go on the row: it has the values written already, and the target may
   * have changed others since (which its change tracking then reports).
   */
  @Override
  public UUID writtenBack(Connection transaction, MapSet maps, RowChange change, Item item, boolean created,
      boolean claimed) throws SQLException {
    if (claimed && !item.deleted()) {
      var body = JSON.createObjectNode().put(Table.FHIR_ID, item.id()).put(Table.FHIR_VERSION, item.version());
      if (item.rows().lastUpdated() != null) {
        body.put(Table.FHIR_LAST_UPDATED, item.rows().lastUpdated().toString());
      }
      stamp(item.map(), change.key(), body.toString());
    }
    return change.key();
  }

  @Override
  public String reference(MapSet maps, UUID key) throws SQLException {
    try {
      return tracking.reference(maps, key);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("Interrupted while reading Dataverse", e);
    }
  }

  /** Updates a row that is there ({@code If-Match: *}: one deleted meanwhile is not made again). */
  private void stamp(EntityMap map, UUID key, String body) throws SQLException {
    try {
      api.send("PATCH", EntitySets.byKey(map.table(), key), Map.of("Content-Type", "application/json", "If-Match",
          "*"), body, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("Interrupted while writing to Dataverse", e);
    }
  }
}
