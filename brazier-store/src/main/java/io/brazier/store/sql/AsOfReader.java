package io.brazier.store.sql;

import io.brazier.fhir.search.FhirSearch;
import io.brazier.store.AsOfScan;
import io.brazier.store.ResourceVersion;
import io.brazier.store.ScanCursor;
import io.brazier.store.ScanPage;
import io.brazier.store.StoreFailure;
import io.brazier.store.search.SearchSql;
import io.brazier.store.search.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.PGStatement;

/**
 * Scans a type as of a change sequence N. The versions current at N are the current rows that no change after N
 * touched, and, for each resource changed after N (a change numbered above N, or not numbered yet), the version
 * before its first change after N, from history (or, when an import wrote a version out of order after N, below a
 * stored one or over a gap, its highest version not changed after N, current or not). A page reads which resources
 * changed after N, takes the first {@code count} of each kind in scan order (lastUpdated, rid) in one statement, and
 * merges them; criteria are decided by the index rows for the current rows (those among the next {@code count}
 * rows, so that every page costs about the same) and, for the versions from history, on their own index values
 * ({@link PastCriteria}).
 */
final class AsOfReader {
  private static final Comparator<Candidate> ORDER =
      Comparator.comparing((Candidate c) -> c.version().lastUpdated()).thenComparingLong(Candidate::rid);

  private final DataSource dataSource;
  private final TypeKeys types;
  private final ParamKeys params;
  private final PastCriteria pastCriteria;

  /** A version the scan may serve; {@code past} when it came from history (its resource changed after N). */
  record Candidate(long rid, ResourceVersion version, boolean past) {
    ScanCursor cursor() {
      return new ScanCursor(version.lastUpdated(), rid);
    }
  }

  AsOfReader(DataSource dataSource, TypeKeys types, ParamKeys params) {
    this.dataSource = dataSource;
    this.types = types;
    this.params = params;
    this.pastCriteria = new PastCriteria(types, params);
  }

  long watermark() {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT coalesce(max(seq), 0) FROM change")) {
      row.next();
      return row.getLong(1);
    } catch (SQLException e) {
      throw new StoreFailure("Could not read the last change sequence", e);
    }
  }

  Optional<Instant> firstChangeAfter(long sequence) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(
            "SELECT min(at) FROM change WHERE seq > ? OR seq IS NULL")) {
      statement.setLong(1, sequence);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        Timestamp at = row.getTimestamp(1);
        return at == null ? Optional.empty() : Optional.of(at.toInstant());
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not read the changes after " + sequence, e);
    }
  }

  ScanPage scan(AsOfScan scan, FhirSearch search) {
    return page(scan, false, null, search);
  }

  ScanPage deletions(String type, long sequence, Instant since, ScanCursor after, int count) {
    return page(new AsOfScan(type, sequence, null, after, count), true, since, null);
  }

  private ScanPage page(AsOfScan scan, boolean deletions, Instant since, FhirSearch search) {
    // Over the keys as they are when the scan starts; built before a connection is taken, as a lookup may take one.
    SearchSql statements = new SearchSql(SearchReader.keys(types, params.lookup()));
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      // One snapshot for all three statements: the changes after N, and the rows they describe.
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        check(connection, scan.sequence());
        Changed changed = changed(connection, types.key(scan.type()), scan.sequence());
        Candidates candidates = candidates(connection, scan, statement(scan, deletions, since, changed, statements));
        ScanPage page = merge(candidates, scan, connection, search, statements);
        connection.commit();
        return page;
      } catch (SQLException | RuntimeException e) {
        Rollbacks.rollBack(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not scan " + scan.type() + " as of change " + scan.sequence(), e);
    }
  }

  /** Refuses a sequence not reached yet, or one whose later changes the feed no longer keeps. */
  private static void check(Connection connection, long sequence) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT min(seq), coalesce(max(seq), 0) FROM change")) {
      row.next();
      long first = row.getLong(1);
      long last = row.getLong(2);
      if (sequence > last) {
        throw new IllegalArgumentException("Change " + sequence + " has not happened: the last is " + last + ".");
      }
      if (first > 0 && sequence < first - 1) {
        throw new IllegalArgumentException("The changes after " + sequence + " are no longer kept (the oldest kept"
            + " is " + first + "): a scan as of " + sequence + " cannot tell what changed since.");
      }
    }
  }

  /**
   * The resources of the type changed after N: all their ids, and each one's version of then, split by where that
   * version is now: in history ({@code pastIds}, {@code pastVersions}; a version below 1 when the resource was
   * created after N), or still current ({@code currentIds}: changed after N only by versions imported below it).
   */
  private record Changed(Object[] ids, Object[] pastIds, Object[] pastVersions, Object[] currentIds) {
    boolean isEmpty() {
      return ids.length == 0;
    }
  }

  /**
   * The resources of the type that changes after N touched: the seq range of the unique index and the partial index
   * of unnumbered rows, read anew by every page, since they grow while the scan goes on, and from the change table
   * alone. A resource's version of then is the one before its first change after N, unless an import wrote a version
   * out of order after N (below a stored one, or over a gap: change.out_of_order): then it is its highest version not
   * changed after N, which a second statement reads for those rare resources.
   */
  private static Changed changed(Connection connection, short type, long sequence) throws SQLException {
    String sql = "SELECT res_id, min(version), bool_or(out_of_order) FROM change"
        + " WHERE (seq > ? OR seq IS NULL) AND type = ? GROUP BY res_id";
    List<Object> ids = new ArrayList<>();
    Map<String, Integer> then = new LinkedHashMap<>();
    List<Object> outOfOrder = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setLong(1, sequence);
      statement.setShort(2, type);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
          if (rows.getBoolean(3)) {
            outOfOrder.add(rows.getString(1));
          } else {
            then.put(rows.getString(1), rows.getInt(2) - 1);
          }
        }
      }
    }
    List<Object> currentIds = new ArrayList<>();
    if (!outOfOrder.isEmpty()) {
      highestUnchanged(connection, type, sequence, outOfOrder, then, currentIds);
    }
    return new Changed(ids.toArray(), then.keySet().toArray(), then.values().toArray(), currentIds.toArray());
  }

  /**
   * The highest version not changed after N of each of {@code ids}: into {@code then} when it is in history, into
   * {@code currentIds} when it is the current one (none: the resource was created after N, and is left out).
   */
  private static void highestUnchanged(Connection connection, short type, long sequence, List<Object> ids,
      Map<String, Integer> then, List<Object> currentIds) throws SQLException {
    String sql = "SELECT r.id, max(k.version), max(k.version) = r.version FROM resource r"
        + " JOIN unnest(?::text[]) AS a(id) ON r.type = ? AND r.id = a.id"
        + " CROSS JOIN LATERAL (SELECT r.version UNION ALL SELECT h.version FROM resource_history h"
        + " WHERE h.rid = r.rid) k(version)"
        + " WHERE (r.id, k.version) NOT IN (SELECT res_id, version FROM change"
        + " WHERE (seq > ? OR seq IS NULL) AND type = ? AND res_id = ANY(?::text[])) GROUP BY r.id, r.version";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      Array array = connection.createArrayOf("text", ids.toArray());
      statement.setArray(1, array);
      statement.setShort(2, type);
      statement.setLong(3, sequence);
      statement.setShort(4, type);
      statement.setArray(5, array);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          if (rows.getBoolean(3)) {
            currentIds.add(rows.getString(1));
          } else {
            then.put(rows.getString(1), rows.getInt(2));
          }
        }
      }
    }
  }

  /**
   * The first {@code count} live (or deleted) versions of then among the current rows untouched since N, and among
   * the versions from history of the resources changed since, each after the cursor and in scan order. The changed
   * ids are bound as arrays, not joined to the change table, so that the planner sees their number and walks the
   * current rows in index order, filtering them by a hashed {@code <> ALL}, instead of sorting the whole type.
   */
  private Sql statement(AsOfScan scan, boolean deletions, Instant since, Changed changed, SearchSql statements) {
    short type = types.key(scan.type());
    // The type as a one-element array, and first in the order: with "type = ?" the planner may walk the
    // last_updated index of every type, which follows the table's physical order, and drop the other types' rows,
    // reading the whole table for each type; ordered by type, only the (type, last_updated) index serves the order.
    Sql sql = new Sql()
        .append(scan.query() == null ? "WITH live AS (SELECT r.rid, r.id, r.version, r.last_updated, r.deleted, r.body"
            : "WITH w AS MATERIALIZED (SELECT r.rid, r.last_updated")
        .append(" FROM resource r")
        .array(" WHERE r.type = ANY(?)", "int2", new Object[] {type})
        .append(deletions ? " AND r.deleted" : " AND NOT r.deleted");
    bounds(sql, "r.last_updated", scan.after(), since);
    if (!changed.isEmpty()) {
      sql.array(" AND r.id <> ALL(?)", "text", changed.ids());
    }
    sql.append(" ORDER BY r.type, r.last_updated, r.rid LIMIT ?)", scan.count());
    String results = " SELECT false, * FROM live";
    if (scan.query() != null) {
      // The criteria are decided within the window of the next rows only, each row looked up in the index tables
      // by its rid: a page costs the same wherever it is in the type and however many rows match in all, where
      // finding the first matches after the cursor among all of them made the pages cost more as they went on.
      // The window's last row, with the window's size, tells where the next page starts. "IS TRUE" keeps each
      // criterion a test of the row: bare, their EXISTS become semi-joins that the planner, misjudging how many index
      // rows match, may run as a nested loop comparing every window row with every match (seconds a page).
      sql.append(", live AS (SELECT r.rid, r.id, r.version, r.last_updated, r.deleted, r.body FROM w")
          .append(" JOIN resource r ON r.rid = w.rid WHERE (");
      statements.rowCondition(sql, scan.query()).append(") IS TRUE)");
      results += " UNION ALL SELECT NULL, e.rid, NULL, (SELECT count(*) FROM w)::int, e.last_updated, NULL, NULL"
          + " FROM (SELECT rid, last_updated FROM w ORDER BY last_updated DESC, rid DESC LIMIT 1) e";
    }
    if (changed.isEmpty()) {
      return sql.append(results);
    }
    sql.append(", past AS (SELECT r.rid, r.id, h.version, h.last_updated, h.deleted, h.body FROM resource r")
        .array(" JOIN unnest(?::text[]", "text", changed.pastIds())
        .array(", ?::int4[]) AS c(id, version)", "int4", changed.pastVersions())
        .append(" ON r.type = ? AND r.id = c.id", type)
        .append(" JOIN resource_history h ON h.rid = r.rid AND h.version = c.version WHERE ")
        .append(deletions ? "h.deleted" : "NOT h.deleted");
    bounds(sql, "h.last_updated", scan.after(), since);
    if (changed.currentIds().length > 0) {
      sql.append(" UNION ALL SELECT r.rid, r.id, r.version, r.last_updated, r.deleted, r.body FROM resource r")
          .append(" WHERE r.type = ?", type).array(" AND r.id = ANY(?::text[]) AND ", "text", changed.currentIds())
          .append(deletions ? "r.deleted" : "NOT r.deleted");
      bounds(sql, "r.last_updated", scan.after(), since);
    }
    return sql.append(" ORDER BY last_updated, rid LIMIT ?)", scan.count())
        .append(results + " UNION ALL SELECT true, * FROM past");
  }

  /** Versions after the cursor, and last updated at or after {@code since}. */
  private static void bounds(Sql sql, String lastUpdated, ScanCursor after, Instant since) {
    if (after != null) {
      // The plain bound lets the (type, last_updated) indexes skip to the cursor; the row comparison breaks ties.
      Timestamp at = Timestamp.from(after.lastUpdated());
      sql.append(" AND " + lastUpdated + " >= ?", at)
          .append(" AND (" + lastUpdated + ", r.rid) > (?", at).append(", ?)", after.rid());
    }
    if (since != null) {
      sql.append(" AND " + lastUpdated + " >= ?", Timestamp.from(since));
    }
  }

  /**
   * What a page's statement read: the candidates, and with criteria, where the window of rows they were decided in
   * ended when it was full (null: the window held the rest of the type's current rows).
   */
  private record Candidates(List<Candidate> versions, ScanCursor windowEnd) {}

  private Candidates candidates(Connection connection, AsOfScan scan, Sql sql) throws SQLException {
    List<Candidate> candidates = new ArrayList<>();
    ScanCursor windowEnd = null;
    try (Statement settings = connection.createStatement()) {
      // Each page is planned for its own cursor and criteria, as searches are, on a statement prepared once.
      settings.execute("SET LOCAL plan_cache_mode = force_custom_plan");
      if (scan.query() != null) {
        // Within a window of a page's rows, a lookup by rid is the cheap way to each criterion; a hash or merge
        // join would read every index row that matches in the whole type, for every page.
        settings.execute("SET LOCAL enable_hashjoin = off");
        settings.execute("SET LOCAL enable_mergejoin = off");
      }
    }
    try (PreparedStatement statement = inBinary(SearchReader.prepared(connection, sql));
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        if (rows.getObject(1) == null) {
          windowEnd = rows.getInt(4) < scan.count() ? null
              : new ScanCursor(rows.getTimestamp(5).toInstant(), rows.getLong(2));
          continue;
        }
        ResourceVersion version = new ResourceVersion(scan.type(), rows.getString(3), rows.getInt(4),
            rows.getTimestamp(5).toInstant(), rows.getBoolean(6), rows.getBytes(7));
        candidates.add(new Candidate(rows.getLong(2), version, rows.getBoolean(1)));
      }
    }
    return new Candidates(candidates, windowEnd);
  }

  /**
   * The statement, its rows to come in binary from its first run on a connection: the driver's first runs of a
   * statement take them as text, in which PostgreSQL sends each body in hex, twice its size, for the driver to
   * decode; a scan reads every body of the type, and its pages go to whichever connection is free.
   */
  private static PreparedStatement inBinary(PreparedStatement statement) throws SQLException {
    statement.unwrap(PGStatement.class).setPrepareThreshold(-1);
    return statement;
  }

  /**
   * The page: both kinds merged in scan order, up to where both are known (a kind that filled its limit may have
   * more after its last), the versions from history kept only if they meet the criteria, at most {@code count}.
   */
  private ScanPage merge(Candidates candidates, AsOfScan scan, Connection connection, FhirSearch search,
      SearchSql statements)
      throws SQLException {
    List<Candidate> live = candidates.versions().stream().filter(c -> !c.past()).sorted(ORDER).toList();
    List<Candidate> past = candidates.versions().stream().filter(Candidate::past).sorted(ORDER).toList();
    ScanCursor liveKnown = scan.query() == null ? last(live, scan.count()) : candidates.windowEnd();
    ScanCursor known = earlier(liveKnown, last(past, scan.count()));
    List<Candidate> merged = new ArrayList<>(live);
    merged.addAll(matching(connection, scan, past, search, statements));
    merged.sort(ORDER);
    if (known != null) {
      merged.removeIf(c -> compare(c.cursor(), known) > 0);
    }
    if (merged.size() > scan.count()) {
      merged = merged.subList(0, scan.count());
      return new ScanPage(versions(merged), merged.get(merged.size() - 1).cursor());
    }
    return new ScanPage(versions(merged), known);
  }

  private List<Candidate> matching(Connection connection, AsOfScan scan, List<Candidate> past, FhirSearch search,
      SearchSql statements)
      throws SQLException {
    if (scan.query() == null || past.isEmpty()) {
      return past;
    }
    Map<Long, ResourceVersion> versions = new LinkedHashMap<>();
    past.forEach(c -> versions.put(c.rid(), c.version()));
    Set<Long> matching = pastCriteria.matching(connection, statements, scan.query(), versions, search);
    return past.stream().filter(c -> matching.contains(c.rid())).toList();
  }

  /** The cursor of the last of a kind when it filled its limit (more may follow it), else null: all are known. */
  private static ScanCursor last(List<Candidate> kind, int limit) {
    return kind.size() < limit ? null : kind.get(kind.size() - 1).cursor();
  }

  /** The earlier of two bounds, null being no bound. */
  private static ScanCursor earlier(ScanCursor a, ScanCursor b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return compare(a, b) <= 0 ? a : b;
  }

  private static int compare(ScanCursor a, ScanCursor b) {
    int byTime = a.lastUpdated().compareTo(b.lastUpdated());
    return byTime != 0 ? byTime : Long.compare(a.rid(), b.rid());
  }

  private static List<ResourceVersion> versions(List<Candidate> candidates) {
    return candidates.stream().map(Candidate::version).toList();
  }
}
