package io.brazier.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Mapper;
import io.brazier.sync.map.MappingException;
import io.brazier.sync.map.ResourcePatcher;
import io.brazier.sync.source.Resources;
import io.brazier.sync.source.SourceException;
import io.brazier.sync.source.Updates;
import io.brazier.sync.target.Batch;
import io.brazier.sync.target.Item;
import io.brazier.sync.target.RelationalTarget;
import io.brazier.sync.target.RowChange;
import io.brazier.sync.target.RowChanges;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-back: the target's own changes to rows of maps that write back (recorded by the trigger, or read from
 * Dataverse's change tracking, only for rows whose {@code msemr_azurefhirsyncenabled} is true) written to FHIR, each
 * row's in the order they were made, rows apart by {@code --sync-workers} at once; a row the target inserted becomes
 * a new resource. The
 * resource is read as it is now and patched with the columns the target changed; it is written with {@code If-Match}
 * on the version the row was synced from and the agent's {@code meta.source}, and the version written is recorded
 * in the target's version guard in the same transaction as the row, so the feed skips it: no echo. When FHIR moved
 * on since that version, the conflict policy decides, and the conflict is logged with both sides.
 */
final class WriteBack implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(WriteBack.class);
  private static final long POLL_MILLIS = 200;
  private static final int PAGE = 100;
  /** How often a target that reports its changes (Dataverse) is asked for them. */
  private static final long TRACK_MILLIS = 1000;

  private final String source;
  private final Resources resources;
  private final Updates updates;
  private final Supplier<MapSet> maps;
  private final Mapper mapper;
  private final Preparer preparer;
  private final RelationalTarget target;
  private final ConflictPolicy policy;
  private final int maxAttempts;
  private final int workers;
  private final MeterRegistry registry;
  private final Timer lag;
  private volatile boolean running = true;

  /** What became of a row's changes. */
  private enum Outcome { CREATED, WRITTEN, UNCHANGED, CONFLICT, SKIPPED, FAILED }

  WriteBack(String source, Resources resources, Updates updates, Supplier<MapSet> maps, Mapper mapper,
      Preparer preparer, RelationalTarget target, SyncConfig config, MeterRegistry registry) {
    this.source = source;
    this.resources = resources;
    this.updates = updates;
    this.maps = maps;
    this.mapper = mapper;
    this.preparer = preparer;
    this.target = target;
    this.policy = config.conflicts();
    this.maxAttempts = config.maxAttempts();
    this.workers = config.workers();
    this.registry = registry;
    this.lag = Timer.builder("brazier_sync_write_back_lag").description("From a row's change in the target to its"
        + " write in FHIR").publishPercentiles(0.5, 0.99).register(registry);
  }

  @Override
  public void run() {
    try (RowWriters writers = new RowWriters(workers)) {
      poll(writers);
    }
  }

  private void poll(RowWriters writers) {
    Outage outage = new Outage(log, "write-back waits", "write-back works again");
    long tracked = 0;
    while (running) {
      try {
        if (System.currentTimeMillis() - tracked >= TRACK_MILLIS) {
          target.rowChanges().track(maps.get());
          tracked = System.currentTimeMillis();
        }
        List<RowChange> changes = target.rowChanges().pending(PAGE, maxAttempts);
        if (!writers.writeAll(changes, this::handle, () -> running)) {
          return;
        }
        outage.over();
        if (changes.isEmpty() && !Failures.sleep(Duration.ofMillis(POLL_MILLIS))) {
          return;
        }
      } catch (SQLException | SourceException e) {
        if (!Failures.sleep(Failures.backoff(outage.failed(Failures.describe(e))))) {
          return;
        }
      } catch (RuntimeException e) {
        // Not an outage but a failure the agent does not expect (reading the target's changes, recording a row's):
        // logged with its stack trace, then waited out like one, so that write-back never stops unseen.
        int failures = outage.failed(Failures.describe(e));
        if (failures == 1) {
          log.error("Sync write-back failed unexpectedly", e);
        }
        if (!Failures.sleep(Failures.backoff(failures))) {
          return;
        }
      }
    }
  }

  /** Writes one row's changes; an outage is thrown, to be waited out without counting against the change. */
  private void handle(RowChange change) throws SQLException, SourceException {
    Outcome outcome;
    try {
      outcome = write(maps.get(), change);
    } catch (Updates.VersionMoved e) {
      return; // FHIR moved between the read and the write: read again, as a conflict
    } catch (SourceException e) {
      if (Failures.isOutage(e)) {
        throw e;
      }
      outcome = invalid(e) ? leave(change, e.getMessage(), change.attempts() + 1, "FHIR refused it")
          : failed(change, e.getMessage(), change.attempts() + 1);
    } catch (MappingException e) {
      outcome = leave(change, e.getMessage(), change.attempts() + 1, "its map cannot take it");
    } catch (RuntimeException e) {
      // What the agent does not expect (an answer it cannot read, a bug): the row's changes fail like any other,
      // so they are retried and then left for the operator, and write-back goes on with the other rows.
      log.error("Sync write-back failed unexpectedly on {} row {} (change id {})", change.table(), change.key(),
          change.lastId(), e);
      outcome = failed(change, Failures.describeUnexpected(e), change.attempts() + 1);
    }
    registry.counter("brazier_sync_write_back", "outcome", outcome.name().toLowerCase(Locale.ROOT)).increment();
    if (outcome == Outcome.WRITTEN || outcome == Outcome.CREATED) {
      lag.record(Duration.between(change.changedAt(), Instant.now()));
    }
  }

  /** FHIR found the resource written invalid (400, 422): the same write would be refused again. */
  private static boolean invalid(SourceException e) {
    return e.status() == 400 || e.status() == 422;
  }

  private Outcome failed(RowChange change, String error, int attempts) throws SQLException {
    if (attempts >= maxAttempts) {
      return leave(change, error, attempts, "it failed " + attempts + " times");
    }
    target.rowChanges().failed(change, error, attempts);
    log.debug("Sync write-back attempt {} of {} row {} failed, retrying: {}", attempts, change.table(),
        change.key(), error);
    return Outcome.FAILED;
  }

  /**
   * The row's changes are not tried again (trying cannot help, or did not): they stay in sync_row_change, refused,
   * for the operator, and the log names the row and what FHIR or the map said.
   */
  private Outcome leave(RowChange change, String error, int attempts, String why) throws SQLException {
    target.rowChanges().left(change, error, attempts);
    log.warn("Sync write-back left {} row {} in sync_row_change (id {}), not tried again as {}: {}",
        change.table(), change.key(), change.lastId(), why, error);
    return Outcome.FAILED;
  }

  private Outcome write(MapSet current, RowChange change) throws SQLException, SourceException {
    EntityMap map = writeBackMap(current, change);
    String id = change.fhirId();
    EntityMap.Message message = change.deleted() ? EntityMap.Message.DELETE : id == null ? EntityMap.Message.CREATE
        : EntityMap.Message.UPDATE;
    if (map == null || !map.messages().contains(message) || (id == null && message == EntityMap.Message.DELETE)) {
      log.debug("Sync write-back skips {} row {}: its map does not write back {}", change.table(), change.key(),
          message);
      target.rowChanges().done(change);
      return Outcome.SKIPPED;
    }
    if (message == EntityMap.Message.CREATE) {
      return create(current, map, change);
    }
    ObjectNode fhir = resources.current(map.resource(), id);
    if (fhir == null && change.baseVersion() == null && id.equals(change.key().toString())) {
      return create(current, map, change); // a create that stopped between naming the row's resource and making it
    }
    if (fhir == null && message == EntityMap.Message.DELETE) {
      target.rowChanges().done(change); // deleted on both sides
      return Outcome.UNCHANGED;
    }
    if (fhir == null) {
      conflict(change, map, id, null, "fhir");
      target.rowChanges().done(change);
      return Outcome.CONFLICT;
    }
    int version = fhir.path("meta").path("versionId").asInt();
    boolean moved = change.baseVersion() != null && change.baseVersion() != version;
    if (message == EntityMap.Message.DELETE) {
      return delete(current, map, change, fhir, version, moved);
    }
    Set<String> changed = change.before() != null ? changed(change) : changedSinceSynced(current, map, change, id);
    ResourcePatcher.Patched patched = ResourcePatcher.patch(map, fhir, mapper.rows(current, map, mapper.parse(fhir))
        .root().values(), change.after(), changed, key -> target.rowChanges().reference(current, key));
    if (patched.columns().isEmpty()) {
      target.rowChanges().done(change); // FHIR has the row's values already (or they are not written back)
      return Outcome.UNCHANGED;
    }
    if (moved && !targetWins(change, map, id, fhir)) {
      restore(current, map, change, fhir);
      return Outcome.CONFLICT;
    }
    patched.resource().with("meta").put("source", SyncAgent.WRITE_BACK_SOURCE);
    Updates.Written written = updates.put(patched.resource(), version);
    target.rowChanges().written(current, change, preparer.item(current, map, 0, written.resource(),
        Partitions.of(map.resource(), id, written.resource())));
    log.debug("Sync wrote back {}/{} version={} columns={}", map.resource(), id, written.version(),
        patched.columns());
    return moved ? Outcome.CONFLICT : Outcome.WRITTEN;
  }

  /**
   * A row the target inserted becomes a new resource, made from its columns (every required one present, or nothing
   * is written). Its id is the row's key, so an attempt made again after a crash finds the resource the first one
   * made rather than making a second; the row then takes the id, version and key of the new resource.
   */
  private Outcome create(MapSet current, EntityMap map, RowChange change) throws SQLException, SourceException {
    String id = change.key().toString();
    ObjectNode made = resources.current(map.resource(), id);
    if (made == null) {
      target.rowChanges().creating(map, change.key(), id);
      ObjectNode blank = JsonNodeFactory.instance.objectNode().put("resourceType", map.resource()).put("id", id);
      ResourcePatcher.Patched patched = ResourcePatcher.patch(map, blank, Map.of(), change.after(), changed(change),
          key -> target.rowChanges().reference(current, key));
      patched.resource().with("meta").put("source", SyncAgent.WRITE_BACK_SOURCE);
      made = updates.put(patched.resource(), null).resource();
    }
    target.rowChanges().created(current, change, preparer.item(current, map, 0, made,
        Partitions.of(map.resource(), id, made)));
    log.info("Sync write-back created {}/{} from {} row {}", map.resource(), id, change.table(), change.key());
    return Outcome.CREATED;
  }

  private Outcome delete(MapSet current, EntityMap map, RowChange change, ObjectNode fhir, int version,
      boolean moved) throws SQLException, SourceException {
    String id = fhir.path("id").asText();
    if (moved && !targetWins(change, map, id, fhir)) {
      restore(current, map, change, fhir);
      return Outcome.CONFLICT;
    }
    Updates.Written written = updates.delete(map.resource(), id, version);
    target.rowChanges().written(current, change, new Item(0, map.resource(), id, written.version(),
        Partitions.of(map.resource(), id, fhir), map, null, null));
    return moved ? Outcome.CONFLICT : Outcome.WRITTEN;
  }

  /** The enabled root map that writes back the row's table (of its type, where the table is shared), or null. */
  private static EntityMap writeBackMap(MapSet maps, RowChange change) {
    JsonNode row = change.after() != null ? change.after() : change.before();
    for (EntityMap map : maps.all()) {
      if (map.enabled() && map.writeBack() && !map.isExpansion() && map.table().equals(change.table())
          && (map.discriminator() == null
          || map.discriminator().value().equals(row.path(map.discriminator().column()).asText(null)))) {
        return map;
      }
    }
    return null;
  }

  /** The columns the target changed: every one of a row it inserted. */
  private static Set<String> changed(RowChange change) {
    Set<String> columns = new LinkedHashSet<>();
    change.after().fieldNames().forEachRemaining(column -> {
      if (change.before() == null || !change.after().get(column).equals(change.before().get(column))) {
        columns.add(column);
      }
    });
    return columns;
  }

  /**
   * The columns a row the target reported (values only, no row before) changed: those that differ from what the
   * version it was synced from maps to, so that the agent's own writes, which such a target reports too, change
   * nothing. Every column when that version is unknown or gone.
   */
  private Set<String> changedSinceSynced(MapSet current, EntityMap map, RowChange change, String id)
      throws SourceException {
    Integer base = change.baseVersion();
    ObjectNode synced = base == null ? null : resources.version(map.resource(), id, base);
    if (synced == null) {
      return changed(change);
    }
    return ResourcePatcher.differing(map, mapper.rows(current, map, mapper.parse(synced)).root().values(),
        change.after());
  }

  /** Decides a conflict by the policy, and logs it with both sides. */
  private boolean targetWins(RowChange change, EntityMap map, String id, ObjectNode fhir) throws SQLException {
    String lastUpdated = fhir.path("meta").path("lastUpdated").asText(null);
    boolean targetWins = policy.targetWins(change.changedAt(),
        lastUpdated == null ? null : OffsetDateTime.parse(lastUpdated).toInstant());
    conflict(change, map, id, fhir, targetWins ? "target" : "fhir");
    return targetWins;
  }

  private void conflict(RowChange change, EntityMap map, String id, ObjectNode fhir, String winner)
      throws SQLException {
    Integer fhirVersion = fhir == null ? null : fhir.path("meta").path("versionId").asInt();
    target.rowChanges().conflict(new RowChanges.Conflict(change, map.resource(), id, fhirVersion, policy.flag(),
        winner, fhir));
    log.warn("Sync write-back conflict {}/{} row={} rowVersion={} fhirVersion={} policy={} winner={}",
        map.resource(), id, change.key(), change.baseVersion(), fhir == null ? "deleted" : fhirVersion,
        policy.flag(), winner);
  }

  /** FHIR won: the row is set back to FHIR's version (its rows written again), and the target's changes dropped. */
  private void restore(MapSet current, EntityMap map, RowChange change, ObjectNode fhir) throws SQLException {
    Item item = preparer.item(current, map, 0, fhir, Partitions.of(map.resource(), fhir.path("id").asText(), fhir));
    target.apply(current, new Batch(source, List.of(item), true, null, List.of(), List.of(), null));
    target.rowChanges().done(change);
  }

  void stop() {
    running = false;
  }
}
