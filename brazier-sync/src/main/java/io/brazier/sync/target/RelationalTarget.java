package io.brazier.sync.target;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.sync.TargetConfig;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Row;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The system of engagement as the agent keeps it: the agent's bookkeeping in a PostgreSQL schema, and the rows in a
 * {@link RowStore}, by default tables made from the maps beside the bookkeeping. A batch is one transaction: the
 * version guard picks what is newer than the target, its rows are written, and the worker's checkpoint, the dead
 * letters, the back-fill's progress and the log commit with them or not at all.
 */
public final class RelationalTarget implements AutoCloseable {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  private final TargetDatabase database;
  private final RowStore rows;
  private final boolean log;
  private final boolean logBodies;
  private final BackfillJobs backfills;
  private final RowChanges rowChanges;
  private final LeftRowChanges leftRowChanges;
  private final FhirReplica replica;

  /**
   * @param log whether each change handled is written to {@code sync_log}
   * @param logBodies whether the log keeps the resource read and the rows written (patient data)
   */
  public RelationalTarget(TargetDatabase database, boolean log, boolean logBodies) {
    this(database, null, log, logBodies, null);
  }

  /**
   * @param rows where the rows go; null for tables in {@code database} beside the bookkeeping
   * @param log whether each change handled is written to {@code sync_log}
   * @param logBodies whether the log keeps the resource read and the rows written (patient data)
   * @param replica the FHIR server the synced resources are put into as well (the FHIR target); null for none
   */
  public RelationalTarget(TargetDatabase database, RowStore rows, boolean log, boolean logBodies,
      FhirReplica replica) {
    this.database = database;
    this.rows = rows != null ? rows : new RelationalRows(database);
    this.replica = replica;
    this.log = log;
    this.logBodies = logBodies;
    this.backfills = new BackfillJobs(database);
    this.rowChanges = new RowChanges(database, this.rows);
    this.leftRowChanges = new LeftRowChanges(database);
  }

  public static RelationalTarget open(TargetConfig config, boolean log, boolean logBodies) {
    return open(config, null, log, logBodies, null);
  }

  /**
   * The bookkeeping in {@code config}'s database, the rows in {@code rows} (null: tables beside it), the resources
   * also put into {@code replica} (null: none).
   */
  public static RelationalTarget open(TargetConfig config, RowStore rows, boolean log, boolean logBodies,
      FhirReplica replica) {
    return new RelationalTarget(TargetDatabase.open(config), rows, log, logBodies, replica);
  }

  /** As {@link #open}, but the database may be down now: {@link #migrate} once it answers, before anything else. */
  public static RelationalTarget connect(TargetConfig config, RowStore rows, boolean log, boolean logBodies,
      FhirReplica replica) {
    return new RelationalTarget(TargetDatabase.connect(config), rows, log, logBodies, replica);
  }

  /**
   * Migrates the agent's bookkeeping tables.
   *
   * @throws RuntimeException when the database cannot be reached or refuses
   */
  public void migrate() {
    database.migrate();
  }

  /**
   * What a batch did: changes written (or deleted), and those skipped: not newer than the target's, or followed by a
   * later change of the same resource in the batch. Together they are every change of the batch.
   */
  public record Applied(int written, int skipped) {}

  /**
   * Creates the tables the maps need and adds the columns they lack.
   *
   * @throws IllegalStateException when the target cannot take them (a column of another type, the database down)
   */
  public void prepare(MapSet maps) {
    rows.prepare(maps);
  }

  /** Writes a batch in one transaction. */
  public Applied apply(MapSet maps, Batch batch) throws SQLException {
    List<Item> items = latestOfEach(batch.items());
    return database.transaction(connection -> {
      Set<String> claimed = items.isEmpty() ? Set.of() : Versions.claim(connection, items, batch.replay());
      List<Item> written = new ArrayList<>();
      List<Item> deleted = new ArrayList<>();
      List<SyncLog.Entry> entries = new ArrayList<>();
      for (Item item : items) {
        if (claimed.contains(item.reference())) {
          (item.deleted() ? deleted : written).add(item);
        }
        if (log) {
          entries.add(entry(batch.source(), item, claimed.contains(item.reference())));
        }
      }
      if (replica != null) {
        replica.replicate(items.stream().filter(item -> claimed.contains(item.reference())).toList());
      }
      rows.write(connection, maps, written, deleted);
      if (batch.checkpoint() != null) {
        Checkpoints.record(connection, batch.checkpoint());
      }
      DeadLetters.add(connection, batch.deadLetters());
      DeadLetters.resolve(connection, batch.resolved());
      if (batch.progress() != null) {
        BackfillJobs.record(connection, batch.progress());
      }
      if (log) {
        batch.deadLetters().forEach(letter -> entries.add(new SyncLog.Entry(letter.source(), letter.sequence(),
            letter.type(), letter.resourceId(), letter.version(), letter.action(), "dead-lettered", letter.error(),
            null, null)));
        SyncLog.add(connection, entries);
      }
      return new Applied(claimed.size(), batch.items().size() - claimed.size());
    });
  }

  /** One item per resource, its latest change, in (type, id) order. */
  private static List<Item> latestOfEach(List<Item> items) {
    Map<String, Item> latest = new java.util.TreeMap<>();
    for (Item item : items) {
      latest.merge(item.reference(), item, (old, now) -> now.sequence() >= old.sequence() ? now : old);
    }
    List<Item> sorted = new ArrayList<>(latest.values());
    sorted.sort(Comparator.comparing(Item::type).thenComparing(Item::id));
    return sorted;
  }

  private SyncLog.Entry entry(String source, Item item, boolean written) {
    String action = item.deleted() ? "delete" : "upsert";
    String outcome = !written ? "skipped" : item.deleted() ? item.map().onDelete().name().toLowerCase(
        java.util.Locale.ROOT) + "d" : "written";
    String message = written ? null : "the target has this version or a newer one";
    return new SyncLog.Entry(source, item.sequence(), item.type(), item.id(), item.version(), action, outcome,
        message, logBodies ? item.body() : null, logBodies && written && !item.deleted() ? rows(item) : null);
  }

  /** The rows written for an item, as JSON: table, key and values. */
  private static String rows(Item item) {
    ArrayNode rows = JSON.createArrayNode();
    for (Row row : item.rows().rows()) {
      ObjectNode node = rows.addObject().put("table", row.map().table()).put("key", row.key().toString());
      ObjectNode values = node.putObject("values");
      row.values().forEach((column, value) -> values.put(column, value == null ? null : value.toString()));
    }
    return rows.toString();
  }

  public BackfillJobs backfills() {
    return backfills;
  }

  /** The target's own changes, for write-back. */
  public RowChanges rowChanges() {
    return rowChanges;
  }

  /** The target's changes that write-back left for the operator. */
  public LeftRowChanges leftRowChanges() {
    return leftRowChanges;
  }

  /** Where a source's feed is to be read from, set as every worker's position. */
  public long resume(String source, int workers) throws SQLException {
    return Checkpoints.resume(database, source, workers);
  }

  /** Every worker's position set to {@code position}. */
  public void restart(String source, long position) throws SQLException {
    Checkpoints.restart(database, source, position);
  }

  /** The partitions recorded for these resources ({@code Type/id}). */
  public Map<String, String> partitions(List<String> references) throws SQLException {
    return database.transaction(connection -> Versions.partitions(connection, references));
  }

  /** Dead letters in their changes' order; only {@code id} when given. */
  public List<DeadLetter> deadLetters(Long id, int limit) throws SQLException {
    return database.transaction(connection -> DeadLetters.list(connection, id, limit));
  }

  public long deadLetterCount() throws SQLException {
    return database.transaction(DeadLetters::count);
  }

  public void failedAgain(long deadLetter, String error) throws SQLException {
    database.transaction(connection -> {
      DeadLetters.failedAgain(connection, deadLetter, error);
      return null;
    });
  }

  /** Deletes log rows older than {@code age}. */
  public int purgeLog(Duration age) throws SQLException {
    return SyncLog.purge(database, age);
  }

  public TargetDatabase database() {
    return database;
  }

  @Override
  public void close() {
    database.close();
  }
}
