package io.brazier.store.sql;

import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.store.AsOfScan;
import io.brazier.store.ChangePage;
import io.brazier.store.ChangeQuery;
import io.brazier.store.HistoryPage;
import io.brazier.store.HistoryQuery;
import io.brazier.store.Imports;
import io.brazier.store.IncludeQuery;
import io.brazier.store.IncludedPage;
import io.brazier.store.IndexedValue;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.JobStore;
import io.brazier.store.ResourceVersion;
import io.brazier.store.RowCodes;
import io.brazier.store.ScanCursor;
import io.brazier.store.ScanPage;
import io.brazier.store.SearchPage;
import io.brazier.store.Store;
import io.brazier.store.StoreFailure;
import io.brazier.store.Write;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import javax.sql.DataSource;

/** The {@link Store} on PostgreSQL: see docs/ARCHITECTURE.md for the tables. */
public final class PostgresStore implements Store {
  /**
   * The planner cost above which a chain, _has, :contains or full-text search is refused rather than left to run
   * into the statement timeout: about what scanning tens of millions of index rows costs.
   */
  private static final double MAX_SEARCH_COST = 20_000_000;

  private final Database database;
  private final DataSource dataSource;
  private final TypeKeys types;
  private final ParamKeys params;
  private final Writer writer;
  private final IndexWriter indexes;
  private final SearchReader searches;
  private final DistinctValues distinctValues;
  private final HistoryReader history;
  private final ChangeNotices notices;
  private final ChangeSequencer sequencer;
  private final ChangeFeed changes;
  private final ChangeRetention retention;
  private final JobStore jobs;
  private final Imports imports;
  private final AsOfReader asOf;
  private final VersionReader versions;
  private final SearchParameterStatuses statuses;
  private final GroupCommit groupCommit = new GroupCommit(this::store);

  public PostgresStore(Database database, Collection<String> resourceTypes) {
    this(database, resourceTypes, MAX_SEARCH_COST);
  }

  /** {@code maxSearchCost}: the planner cost above which a data-dependent search is refused. */
  public PostgresStore(Database database, Collection<String> resourceTypes, double maxSearchCost) {
    this.database = database;
    this.dataSource = database.dataSource();
    this.types = new TypeKeys(dataSource, resourceTypes);
    this.params = new ParamKeys(dataSource, types);
    this.indexes = new IndexWriter(types, params);
    this.writer = new Writer(types, indexes);
    this.searches = new SearchReader(dataSource, types, params, maxSearchCost);
    this.distinctValues = new DistinctValues(dataSource, params);
    this.history = new HistoryReader(dataSource, types);
    this.notices = new ChangeNotices(database, resourceTypes);
    this.sequencer = new ChangeSequencer(dataSource, types);
    this.changes = new ChangeFeed(dataSource, types, notices);
    this.retention = new ChangeRetention(dataSource);
    this.jobs = new PostgresJobStore(dataSource);
    this.imports = new PostgresImports(dataSource, types, indexes, sequencer::wake);
    this.asOf = new AsOfReader(dataSource, types, params);
    this.versions = new VersionReader(dataSource, types);
    this.statuses = new SearchParameterStatuses(dataSource);
  }

  @Override
  public Optional<ResourceVersion> current(String type, String id) {
    return queryOne("SELECT version, last_updated, deleted, body FROM resource WHERE type = ? AND id = ?",
        type, id, statement -> { });
  }

  @Override
  public Optional<ResourceVersion> version(String type, String id, int version) {
    String sql = """
        SELECT version, last_updated, deleted, body FROM resource WHERE type = ? AND id = ? AND version = ?
        UNION ALL
        SELECT h.version, h.last_updated, h.deleted, h.body
          FROM resource r JOIN resource_history h ON h.rid = r.rid
         WHERE r.type = ? AND r.id = ? AND h.version = ?""";
    return queryOne(sql, type, id, statement -> {
      statement.setInt(3, version);
      statement.setShort(4, types.key(type));
      statement.setString(5, id);
      statement.setInt(6, version);
    });
  }

  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private Optional<ResourceVersion> queryOne(String sql, String type, String id, Binder more) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setShort(1, types.key(type));
      statement.setString(2, id);
      more.bind(statement);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        Timestamp updated = row.getTimestamp(2);
        return Optional.of(new ResourceVersion(type, id, row.getInt(1), updated.toInstant(), row.getBoolean(3),
            row.getBytes(4)));
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not read " + type + "/" + id, e);
    }
  }

  @Override
  public void commit(List<Write> writes) {
    if (writes.isEmpty()) {
      return;
    }
    requireEachResourceOnce(writes);
    indexes.prepare(writes);
    groupCommit.commit(writes);
    changed(writes);
  }

  @Override
  public boolean commit(List<Write> writes, JobHeartbeat progress) {
    requireEachResourceOnce(writes);
    indexes.prepare(writes);
    if (!store(writes, progress)) {
      return false;
    }
    changed(writes);
    return true;
  }

  /**
   * Refuses writes that name a resource twice, on the caller's thread, before they are written or grouped with other
   * callers' ({@link GroupCommit}). The writer's statements take each resource once, so a second write of it would
   * leave a change row (and index rows) of a version the resource table does not keep.
   */
  private static void requireEachResourceOnce(List<Write> writes) {
    Set<String> written = new HashSet<>();
    for (Write write : writes) {
      String resource = write.type() + "/" + write.id();
      if (!written.add(resource)) {
        throw new IllegalArgumentException("One commit writes " + resource + " more than once");
      }
    }
  }

  private void changed(List<Write> writes) {
    if (writes.isEmpty()) {
      return;
    }
    Set<String> committed = new HashSet<>();
    writes.forEach(write -> committed.add(write.type()));
    notices.changed(committed);
  }

  /** One database transaction for these writes. */
  private void store(List<Write> writes) {
    store(writes, null);
  }

  /**
   * One database transaction for these writes and, unless null, a job's progress; false, with nothing stored, when
   * the job's runner no longer holds it.
   */
  private boolean store(List<Write> writes, JobHeartbeat progress) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        if (!writes.isEmpty()) {
          writer.write(connection, writes);
        }
        if (progress != null && !PostgresJobStore.heartbeat(connection, progress)) {
          connection.rollback();
          return false;
        }
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        Rollbacks.rollBack(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not store " + writes.size() + " resource versions", e);
    }
    sequencer.wake();
    return true;
  }

  @Override
  public HistoryPage history(HistoryQuery query) {
    return history.page(query);
  }

  @Override
  public int purgeHistory(String type, String id) {
    return purge(type, id, false);
  }

  @Override
  public int purgeDeletedHistory(String type, String id) {
    return purge(type, id, true);
  }

  /** Purges a resource's history, in a transaction of its own; when {@code onlyDeleted}, only if it is deleted. */
  private int purge(String type, String id, boolean onlyDeleted) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        int purged = purge(connection, type, id, onlyDeleted);
        connection.commit();
        return purged;
      } catch (SQLException | RuntimeException e) {
        Rollbacks.rollBack(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not purge the history of " + type + "/" + id, e);
    }
  }

  @Override
  public OptionalInt purgeHistories(String type, List<String> ids, boolean onlyDeleted,
      IntFunction<JobHeartbeat> progress) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        int purged = 0;
        for (String id : ids) {
          purged += purge(connection, type, id, onlyDeleted) > 0 ? 1 : 0;
        }
        if (!PostgresJobStore.heartbeat(connection, progress.apply(purged))) {
          connection.rollback();
          return OptionalInt.empty();
        }
        connection.commit();
        return OptionalInt.of(purged);
      } catch (SQLException | RuntimeException e) {
        Rollbacks.rollBack(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not purge the history of " + ids.size() + " " + type + " resources", e);
    }
  }

  /**
   * Purges a resource's history in the caller's transaction; when {@code onlyDeleted}, only if its current version
   * is a deletion. Returns how many versions it purged.
   */
  private int purge(Connection connection, String type, String id, boolean onlyDeleted) throws SQLException {
    // The resource row locked first, so that no write moves a version to history (or brings a deleted resource
    // back) while the purge reads it.
    String lock = "SELECT rid, deleted FROM resource WHERE type = ? AND id = ? FOR UPDATE";
    // The current version keeps what the newest version purged says of it: a live one makes it an update. It
    // marks every version below it as purged, so that no import writes one back. A purge that removed nothing
    // leaves the row alone (joining "previous" finds no row): versions below the current one that the store never
    // held were not purged, and rewriting the row for nothing would bloat the table on a large purge.
    String purge = """
        WITH purged AS (DELETE FROM resource_history WHERE rid = ? RETURNING version, deleted),
             previous AS (SELECT deleted FROM purged ORDER BY version DESC LIMIT 1)
        UPDATE resource r SET purged_below = r.version,
               updates_purged = CASE WHEN p.deleted THEN NULL ELSE r.version END
          FROM previous p WHERE r.rid = ?
        RETURNING (SELECT count(*) FROM purged)""";
    try (PreparedStatement locking = connection.prepareStatement(lock);
        PreparedStatement purging = connection.prepareStatement(purge)) {
      locking.setShort(1, types.key(type));
      locking.setString(2, id);
      try (ResultSet row = locking.executeQuery()) {
        if (!row.next() || (!row.getBoolean(2) && onlyDeleted)) {
          return 0;
        }
        purging.setLong(1, row.getLong(1));
        purging.setLong(2, row.getLong(1));
        try (ResultSet count = purging.executeQuery()) {
          return count.next() ? count.getInt(1) : 0;
        }
      }
    }
  }

  @Override
  public Set<String> existing(Collection<String> resources) {
    Set<String> found = new HashSet<>();
    if (resources.isEmpty()) {
      return found;
    }
    List<Short> typeKeys = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (String resource : resources) {
      int slash = resource.indexOf('/');
      typeKeys.add(types.key(resource.substring(0, slash)));
      ids.add(resource.substring(slash + 1));
    }
    String sql = """
        SELECT r.type, r.id FROM resource r
          JOIN unnest(?::smallint[], ?::text[]) AS k(type, id) ON r.type = k.type AND r.id = k.id
         WHERE NOT r.deleted""";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, connection.createArrayOf("int2", typeKeys.toArray()));
      statement.setArray(2, connection.createArrayOf("text", ids.toArray()));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          found.add(types.name(rows.getShort(1)) + "/" + rows.getString(2));
        }
      }
      return found;
    } catch (SQLException e) {
      throw new StoreFailure("Could not check that " + resources.size() + " referenced resources exist", e);
    }
  }

  @Override
  public SearchPage search(SearchQuery query, int count) {
    return searches.search(query, count);
  }

  @Override
  public Optional<SearchPage> page(String snapshot, int offset, int count) {
    return searches.page(snapshot, offset, count);
  }

  @Override
  public int count(SearchQuery query) {
    return searches.count(query);
  }

  @Override
  public int estimate(SearchQuery query) {
    return searches.estimate(query);
  }

  @Override
  public List<String> ids(SearchQuery query, int limit) {
    return searches.ids(query, limit);
  }

  @Override
  public IncludedPage include(IncludeQuery query, long after, int limit) {
    return searches.include(query, after, limit);
  }

  @Override
  public List<ResourceVersion> scan(String type, String afterId, int limit) {
    return searches.scan(type, afterId, limit);
  }

  @Override
  public List<IndexedValue> indexedValues(List<String> types, String code, int limit) {
    return distinctValues.of(types, code, limit);
  }

  @Override
  public int reindex(List<Write> writes) {
    if (writes.isEmpty()) {
      return 0;
    }
    indexes.prepare(writes);
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        int reindexed = indexes.reindex(connection, writes);
        connection.commit();
        return reindexed;
      } catch (SQLException | RuntimeException e) {
        Rollbacks.rollBack(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not reindex " + writes.size() + " resources", e);
    }
  }

  @Override
  public ChangePage changes(ChangeQuery query) {
    return changes.read(query);
  }

  @Override
  public Runnable onChanges(Consumer<Set<String>> listener) {
    return notices.listen(listener);
  }

  @Override
  public Map<String, String> searchParameterStatuses() {
    return statuses.read();
  }

  @Override
  public void setSearchParameterStatuses(Map<String, String> changed) {
    statuses.write(changed);
    notices.changed(SearchParameterStatuses.NOTICE);
  }

  @Override
  public JobStore jobs() {
    return jobs;
  }

  @Override
  public Imports imports() {
    return imports;
  }

  @Override
  public void answerParameters(RowCodes rowCodes) {
    params.answerParameters(rowCodes);
  }

  @Override
  public boolean healthy() {
    return database.answers();
  }

  /**
   * Bytes on disk by table (indexes included), for operators and benchmarks: the resource tables and every search
   * index table.
   */
  public Map<String, Long> tableSizes() {
    String sql = "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relkind = 'r'"
        + " AND (relname LIKE 'resource%' OR relname LIKE 'search%') ORDER BY relname";
    Map<String, Long> sizes = new LinkedHashMap<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        sizes.put(rows.getString(1), rows.getLong(2));
      }
      return sizes;
    } catch (SQLException e) {
      throw new StoreFailure("Could not read table sizes", e);
    }
  }

  /**
   * Does what autovacuum soon would after a bulk load: refreshes the planner's statistics and the visibility map,
   * so that searches are planned on the data as it now is and counts are answered from the indexes alone.
   */
  public void vacuumAnalyze() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement("VACUUM (ANALYZE)")) {
      statement.execute();
    } catch (SQLException e) {
      throw new StoreFailure("Could not vacuum and analyze the database", e);
    }
  }

  /**
   * Starts the change feed's background work: numbering committed changes, so that readers of the feed see them
   * promptly, and listening to the notices of every node's numbering, which {@link #onChanges} listeners and waiting
   * readers need.
   */
  public PostgresStore startChangeSequencer() {
    sequencer.start();
    notices.start();
    return this;
  }

  /** Numbers the committed changes now, without waiting for the sequencer: for tests and tools. */
  public int numberChanges() {
    return sequencer.number();
  }

  /** Deletes changes older than {@code retention} from now on, once an hour (one node at a time). */
  public PostgresStore keepChanges(Duration retention) {
    this.retention.start(retention);
    return this;
  }

  /** Deletes the changes older than {@code retention} now, as the hourly task does; returns how many. */
  public int pruneChanges(Duration retention) {
    return this.retention.prune(retention);
  }

  @Override
  public long watermark() {
    // A full pass may have left more: number until a pass finds fewer, so every change committed before is in.
    int numbered;
    do {
      numbered = sequencer.number();
    } while (numbered == ChangeSequencer.MOST_PER_PASS);
    return asOf.watermark();
  }

  @Override
  public Optional<Instant> firstChangeAfter(long sequence) {
    return asOf.firstChangeAfter(sequence);
  }

  @Override
  public ScanPage scan(AsOfScan scan, FhirSearch search) {
    return asOf.scan(scan, search);
  }

  @Override
  public ScanPage deletions(String type, long sequence, Instant since, ScanCursor after, int count) {
    return asOf.deletions(type, sequence, since, after, count);
  }

  @Override
  public Map<String, ResourceVersion> current(Collection<String> resources) {
    return versions.current(resources);
  }

  @Override
  public List<Set<String>> patientCompartments(List<ResourceVersion> versions, FhirSearch search) {
    return this.versions.patientCompartments(versions, search);
  }

  @Override
  public void close() {
    groupCommit.close();
    retention.close();
    sequencer.close();
    notices.close();
    database.close();
  }
}
