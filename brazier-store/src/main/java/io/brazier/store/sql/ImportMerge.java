package io.brazier.store.sql;

import io.brazier.store.Change.Action;
import io.brazier.store.ImportBatch.Failure;
import io.brazier.store.ImportLine;
import io.brazier.store.Imports.Merged;
import io.brazier.store.Imports.Refused;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.StoreFailure;
import io.brazier.store.sql.ImportVersions.Decision;
import io.brazier.store.sql.ImportVersions.Line;
import io.brazier.store.sql.ImportVersions.Plan;
import io.brazier.store.sql.ImportVersions.Stored;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Merges one staged batch into the live tables in one transaction: it locks the resources the batch names (in
 * (type, id) order, as every writer does; a batch of an import into an empty store first assumes none is stored),
 * plans each resource's versions ({@link ImportVersions}), moves replaced current versions to history (and ends
 * the versions of history that an imported one now follows when it begins), writes the new versions with their
 * {@code meta.versionId} and {@code meta.lastUpdated} spliced into the staged JSON, copies the staged index rows of the new current versions,
 * appends the change feed, fails the lines it refuses, records the batch as merged and renews the job's lease. A
 * resource created meanwhile by another writer makes the transaction start again on what is stored then.
 */
final class ImportMerge {
  private static final int ATTEMPTS = 10;
  private static final String DEADLOCK = "40P01";
  /** The staged JSON with the version and lastUpdated written in at {@code stamp_at}, just inside meta. */
  private static final String STAMPED = "substring(l.body FROM 1 FOR l.stamp_at) || convert_to('\"versionId\":\"'"
      + " || p.version || '\",\"lastUpdated\":\"' || p.text || '\"' || CASE WHEN get_byte(l.body, l.stamp_at) = 125"
      + " THEN '' ELSE ',' END, 'UTF8') || substring(l.body FROM l.stamp_at + 1)";
  /** A stored JSON ({@code r.body}) without its version and lastUpdated: what a staged line holds, if the same. */
  private static final String UNSTAMPED = "convert_to(regexp_replace(convert_from(r.body, 'UTF8'),"
      + " '\"meta\":\\{\"versionId\":\"[^\"]*\",\"lastUpdated\":\"[^\"]*\",?', '\"meta\":{'), 'UTF8')";

  /** How many jobs {@link #storedFound} remembers: more than ever run at once. */
  private static final int REMEMBERED = 64;

  private final DataSource dataSource;
  private final TypeKeys types;
  private final Runnable committed;
  /**
   * The imports into an empty store whose merge found a resource stored after all (an earlier batch wrote it, or
   * another writer): their batches take the full path from then on. Only a hint: a merge that assumes nothing is
   * stored finds out by its insert's conflict, and starts again on the full path.
   */
  private final Set<String> storedFound = Collections.newSetFromMap(Collections.synchronizedMap(
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      }));

  /** @param committed told after each merge, so that the change sequencer numbers its changes promptly */
  ImportMerge(DataSource dataSource, TypeKeys types, Runnable committed) {
    this.dataSource = dataSource;
    this.types = types;
    this.committed = committed;
  }

  /** A line as staged; {@code rid} the one it took when its index rows are live ({@link DirectIndexes}). */
  private record Staged(long seq, short type, String id, Integer version, Instant updated, String text,
      char state, Long rid) {
    Key key() {
      return new Key(type, id);
    }
  }

  private record Key(short type, String id) {}

  /** A resource created by another writer between the lock and the insert: the batch is merged again. */
  private static final class Raced extends Exception {
    Raced() {
      super(null, null, false, false);
    }
  }

  Optional<Merged> merge(String job, String prefix, int batch, Instant now, JobHeartbeat heartbeat,
      Function<Refused, Failure> failure) {
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        try {
          try (Statement statement = connection.createStatement()) {
            statement.execute(PostgresImports.NO_TIMEOUT);
            statement.execute(PostgresImports.ASYNC);
          }
          Optional<Merged> merged = merge(connection, job, prefix, batch, now, heartbeat, failure,
              !storedFound.contains(job));
          if (merged.isPresent()) {
            connection.commit();
            committed.run();
          } else {
            connection.rollback();
          }
          return merged;
        } catch (SQLException | RuntimeException | Raced e) {
          Rollbacks.rollBack(connection, e);
          throw e;
        }
      } catch (Raced e) {
        storedFound.add(job);
        if (attempt == ATTEMPTS) {
          throw new StoreFailure("Batch " + batch + " of import " + job + " raced other writers " + ATTEMPTS
              + " times", new SQLException("raced"));
        }
      } catch (SQLException e) {
        // A deadlock with another writer of the same resources: PostgreSQL chose this one to roll back.
        if (!DEADLOCK.equals(e.getSQLState()) || attempt == ATTEMPTS) {
          throw new StoreFailure("Could not merge batch " + batch + " of import " + job, e);
        }
      }
    }
  }

  /**
   * @param assumeNew whether a batch of an import into an empty store may assume that none of its resources is
   *     stored, and so neither lock nor compare them; its insert's conflict says when one is
   */
  private Optional<Merged> merge(Connection connection, String job, String prefix, int batch, Instant now,
      JobHeartbeat heartbeat, Function<Refused, Failure> failure, boolean assumeNew) throws SQLException, Raced {
    List<Staged> lines = read(connection, prefix, batch);
    Map<Key, List<Staged>> byKey = new LinkedHashMap<>();
    Map<Integer, Integer> counts = new TreeMap<>();
    Changes changes = new Changes();
    for (Staged line : lines) {
      if (line.rid() != null) {
        changes.lineRids.put(line.seq(), line.rid());
      }
      if (line.state() != 'E') {
        counts.merge(ImportLine.input(line.seq()), 1, Integer::sum);
      }
      if (line.state() == 'S') {
        byKey.computeIfAbsent(line.key(), key -> new ArrayList<>()).add(line);
      }
    }
    // Lines that took rids belong to an import into an empty store: what is stored now, this import wrote (or a
    // rare other writer), which the insert's ON CONFLICT finds as well as a lock would.
    boolean fresh = assumeNew && byKey.values().stream().flatMap(List::stream).allMatch(line -> line.rid() != null);
    Map<Key, Stored> stored = fresh ? Map.of() : lock(connection, byKey);
    Set<Long> equal = fresh ? Set.of() : equalToStored(connection, prefix, byKey, stored);
    Set<Long> repeated = equalToFirst(connection, prefix, byKey);
    int skipped = 0;
    Map<Integer, Integer> written = new TreeMap<>();
    List<Failure> failures = new ArrayList<>();
    for (Map.Entry<Key, List<Staged>> resource : byKey.entrySet()) {
      List<Line> planned = new ArrayList<>();
      for (Staged line : resource.getValue()) {
        planned.add(new Line(line.seq(), line.version(), line.updated(), line.text(), equal.contains(line.seq()),
            repeated.contains(line.seq())));
      }
      Plan plan = ImportVersions.plan(stored.get(resource.getKey()), planned, now);
      skipped += changes.add(resource.getKey(), stored.get(resource.getKey()), plan);
      plan.decisions().stream().filter(decision -> decision.action() != ImportVersions.Action.SKIP)
          .forEach(decision -> written.merge(ImportLine.input(decision.seq()), 1, Integer::sum));
      for (Refused refused : plan.refused()) {
        failures.add(failure.apply(refused));
        counts.merge(ImportLine.input(refused.seq()), -1, Integer::sum);
      }
    }
    changes.apply(connection, prefix);
    ImportBatchRows.insertFailures(connection, job, failures);
    recordMerged(connection, job, batch, counts, written);
    if (!PostgresJobStore.heartbeat(connection, heartbeat)) {
      return Optional.empty();
    }
    return Optional.of(new Merged(changes.written(), skipped));
  }

  private List<Staged> read(Connection connection, String prefix, int batch) throws SQLException {
    // Failed lines too: the index rows of those that took a rid are deleted.
    String sql = "SELECT seq, type, id, version, updated, updated_text, state, rid FROM " + prefix + "line"
        + " WHERE batch = ? ORDER BY seq";
    List<Staged> lines = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setInt(1, batch);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          Timestamp updated = rows.getTimestamp(5);
          lines.add(new Staged(rows.getLong(1), rows.getShort(2), rows.getString(3), rows.getObject(4, Integer.class),
              updated == null ? null : updated.toInstant(), rows.getString(6), rows.getString(7).charAt(0),
              rows.getObject(8, Long.class)));
        }
      }
    }
    return lines;
  }

  /** The stored current versions of the batch's resources, locked; with their history where an import is older. */
  private Map<Key, Stored> lock(Connection connection, Map<Key, List<Staged>> byKey) throws SQLException {
    List<Object> typeKeys = new ArrayList<>();
    List<Object> ids = new ArrayList<>();
    byKey.keySet().forEach(key -> {
      typeKeys.add(key.type());
      ids.add(key.id());
    });
    String sql = """
        SELECT r.rid, r.type, r.id, r.version, r.last_updated, r.deleted, coalesce(r.purged_below, 0) FROM resource r
          JOIN unnest(?::int2[], ?::text[]) AS k(type, id) ON r.type = k.type AND r.id = k.id
         ORDER BY r.type, r.id
           FOR UPDATE OF r""";
    Map<Key, Stored> stored = new HashMap<>();
    Map<Long, Key> older = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, connection.createArrayOf("int2", typeKeys.toArray()));
      statement.setArray(2, connection.createArrayOf("text", ids.toArray()));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          Key key = new Key(rows.getShort(2), rows.getString(3));
          Stored current = new Stored(rows.getLong(1), rows.getInt(4), rows.getTimestamp(5).toInstant(),
              rows.getBoolean(6), Map.of(), Set.of(), rows.getInt(7));
          stored.put(key, current);
          if (byKey.get(key).stream().anyMatch(line -> line.version() != null && line.version() < current.version())) {
            older.put(current.rid(), key);
          }
        }
      }
    }
    if (!older.isEmpty()) {
      addHistory(connection, stored, older);
    }
    return stored;
  }

  private static void addHistory(Connection connection, Map<Key, Stored> stored, Map<Long, Key> older)
      throws SQLException {
    Map<Long, Map<Integer, Instant>> history = new HashMap<>();
    Map<Long, Set<Integer>> deletions = new HashMap<>();
    String sql = "SELECT rid, version, last_updated, deleted FROM resource_history WHERE rid = ANY(?)";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, connection.createArrayOf("int8", older.keySet().toArray()));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          history.computeIfAbsent(rows.getLong(1), rid -> new HashMap<>())
              .put(rows.getInt(2), rows.getTimestamp(3).toInstant());
          if (rows.getBoolean(4)) {
            deletions.computeIfAbsent(rows.getLong(1), rid -> new HashSet<>()).add(rows.getInt(2));
          }
        }
      }
    }
    older.forEach((rid, key) -> {
      Stored current = stored.get(key);
      stored.put(key, new Stored(rid, current.version(), current.lastUpdated(), current.deleted(),
          history.getOrDefault(rid, Map.of()), deletions.getOrDefault(rid, Set.of()), current.purgedBelow()));
    });
  }

  /**
   * The lines whose content is that of the stored version they name, or of the stored current version when they name
   * none: an import need not repeat them. A line naming a stored version with other content is refused.
   */
  private static Set<Long> equalToStored(Connection connection, String prefix, Map<Key, List<Staged>> byKey,
      Map<Key, Stored> stored) throws SQLException {
    List<Object> seqs = new ArrayList<>();
    byKey.forEach((key, lines) -> {
      Stored current = stored.get(key);
      if (current != null) {
        lines.stream().filter(line -> line.version() == null ? !current.deleted()
            : line.version() == current.version() || current.history().containsKey(line.version()))
            .forEach(line -> seqs.add(line.seq()));
      }
    });
    Set<Long> equal = new HashSet<>();
    if (seqs.isEmpty()) {
      return equal;
    }
    String sql = "SELECT l.seq FROM " + prefix + "line l JOIN resource r ON r.type = l.type AND r.id = l.id"
        + " WHERE l.seq = ANY(?) AND coalesce(l.version, r.version) = r.version AND NOT r.deleted"
        + " AND " + UNSTAMPED + " = l.body"
        + " UNION ALL SELECT l.seq FROM " + prefix + "line l JOIN resource c ON c.type = l.type AND c.id = l.id"
        + " JOIN resource_history r ON r.rid = c.rid AND r.version = l.version"
        + " WHERE l.seq = ANY(?) AND NOT r.deleted AND " + UNSTAMPED + " = l.body";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      java.sql.Array array = connection.createArrayOf("int8", seqs.toArray());
      statement.setArray(1, array);
      statement.setArray(2, array);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          equal.add(rows.getLong(1));
        }
      }
    }
    return equal;
  }

  /**
   * The lines whose content and lastUpdated are those of the first line of the batch naming the same version of the
   * same resource: the same version imported twice, which need not be, unlike one with other content. Read only
   * for the rare resource with such lines.
   */
  private static Set<Long> equalToFirst(Connection connection, String prefix, Map<Key, List<Staged>> byKey)
      throws SQLException {
    List<Object> seqs = new ArrayList<>();
    List<Object> firsts = new ArrayList<>();
    for (List<Staged> lines : byKey.values()) {
      Map<Integer, Long> first = new HashMap<>();
      for (Staged line : lines) {
        if (line.version() != null && first.putIfAbsent(line.version(), line.seq()) != null) {
          seqs.add(line.seq());
          firsts.add(first.get(line.version()));
        }
      }
    }
    Set<Long> equal = new HashSet<>();
    if (seqs.isEmpty()) {
      return equal;
    }
    String sql = "SELECT l.seq FROM unnest(?::int8[], ?::int8[]) AS p(seq, first)"
        + " JOIN " + prefix + "line l ON l.seq = p.seq JOIN " + prefix + "line f ON f.seq = p.first"
        + " WHERE l.body = f.body AND l.updated IS NOT DISTINCT FROM f.updated";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, connection.createArrayOf("int8", seqs.toArray()));
      statement.setArray(2, connection.createArrayOf("int8", firsts.toArray()));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          equal.add(rows.getLong(1));
        }
      }
    }
    return equal;
  }

  /** Records the batch as merged, with how many lines of each input it imported and how many of those it wrote. */
  private static void recordMerged(Connection connection, String job, int batch, Map<Integer, Integer> counts,
      Map<Integer, Integer> written) throws SQLException {
    String sql = "INSERT INTO import_merged (job, batch, inputs, lines, written) VALUES (?, ?, ?, ?, ?)";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setObject(1, UUID.fromString(job));
      statement.setInt(2, batch);
      statement.setArray(3, connection.createArrayOf("int4", counts.keySet().toArray()));
      statement.setArray(4, connection.createArrayOf("int4", counts.values().toArray()));
      statement.setArray(5, connection.createArrayOf("int4",
          counts.keySet().stream().map(input -> written.getOrDefault(input, 0)).toArray()));
      statement.executeUpdate();
    }
  }

  /** Everything the batch's plans write, gathered as the arrays its statements take. */
  private static final class Changes {
    private final Columns retired = new Columns();
    private final Columns replaced = new Columns();
    private final Columns created = new Columns();
    private final Columns history = new Columns();
    private final Columns shortened = new Columns();
    private final Map<Long, Key> createdKeys = new HashMap<>();
    private final Columns feed = new Columns();
    private final Map<Long, Long> currentRids = new HashMap<>();
    private final List<Long> reindexed = new ArrayList<>();
    private final Map<Key, List<Decision>> pendingHistory = new HashMap<>();
    /** The rids the batch's lines took, by line, when their index rows are in the live tables already. */
    private final Map<Long, Long> lineRids = new HashMap<>();
    private int written;

    /** Adds a resource's plan; returns how many of its lines it skips. */
    int add(Key key, Stored stored, Plan plan) {
      int skips = 0;
      for (Decision decision : plan.decisions()) {
        switch (decision.action()) {
          case SKIP -> skips++;
          case CURRENT -> {
            if (stored != null) {
              replaced.add(stored.rid(), decision.seq(), decision.version(), ts(decision.lastUpdated()),
                  decision.lastUpdatedText());
              currentRids.put(decision.seq(), stored.rid());
              reindexed.add(stored.rid());
            } else {
              created.add(decision.seq(), decision.version(), ts(decision.lastUpdated()),
                  decision.lastUpdatedText());
              createdKeys.put(decision.seq(), key);
            }
          }
          case HISTORY -> {
            if (stored != null) {
              history.add(stored.rid(), decision.seq(), decision.version(), ts(decision.lastUpdated()),
                  decision.lastUpdatedText(), ts(decision.replacedAt()));
            } else {
              pendingHistory.computeIfAbsent(key, k -> new ArrayList<>()).add(decision);
            }
          }
        }
      }
      // The feed lists a resource's new versions in version order, whatever the order of its lines.
      plan.decisions().stream().filter(decision -> decision.action() != ImportVersions.Action.SKIP)
          .sorted(java.util.Comparator.comparingInt(Decision::version)).forEach(decision -> {
            written++;
            // A version over a deletion, or with none below, creates its resource, as history says; an import
            // creates as PUT [type]/[id] does (see insertCreated).
            Action action = decision.creates() ? Action.CREATE : Action.UPDATE;
            feed.add(key.type(), key.id(), decision.version(), String.valueOf(action.code()),
                ts(decision.lastUpdated()), decision.creates(), decision.outOfOrder());
          });
      if (plan.retiredAt() != null) {
        retired.add(stored.rid(), ts(plan.retiredAt()));
      }
      plan.replaced().forEach((version, at) -> shortened.add(stored.rid(), version, ts(at)));
      return skips;
    }

    int written() {
      return written;
    }

    void apply(Connection connection, String prefix) throws SQLException, Raced {
      execute(connection, "INSERT INTO resource_history (rid, version, type, last_updated, replaced_at, deleted,"
          + " body, patched) SELECT r.rid, r.version, r.type, r.last_updated, p.replaced_at, r.deleted, r.body,"
          + " r.patched FROM resource r JOIN unnest(?::int8[], ?::timestamptz[]) AS p(rid, replaced_at)"
          + " ON r.rid = p.rid", retired, "int8", "timestamptz");
      execute(connection, "UPDATE resource r SET version = p.version, last_updated = p.updated, deleted = false,"
          + " patched = false, body = " + STAMPED + " FROM unnest(?::int8[], ?::int8[], ?::int4[], ?::timestamptz[], ?::text[])"
          + " AS p(rid, seq, version, updated, text) JOIN " + prefix + "line l ON l.seq = p.seq"
          + " WHERE r.rid = p.rid", replaced, "int8", "int8", "int4", "timestamptz", "text");
      insertCreated(connection, prefix);
      execute(connection, "INSERT INTO resource_history (rid, version, type, last_updated, replaced_at, deleted,"
          + " body) SELECT p.rid, p.version, l.type, p.updated, p.replaced_at, false, " + STAMPED + " FROM unnest("
          + "?::int8[], ?::int8[], ?::int4[], ?::timestamptz[], ?::text[], ?::timestamptz[])"
          + " AS p(rid, seq, version, updated, text, replaced_at) JOIN " + prefix + "line l ON l.seq = p.seq",
          history, "int8", "int8", "int4", "timestamptz", "text", "timestamptz");
      execute(connection, "UPDATE resource_history h SET replaced_at = p.replaced_at FROM unnest(?::int8[],"
          + " ?::int4[], ?::timestamptz[]) AS p(rid, version, replaced_at)"
          + " WHERE h.rid = p.rid AND h.version = p.version", shortened, "int8", "int4", "timestamptz");
      copyIndexes(connection, prefix);
      if (!feed.isEmpty()) {
        // An import's changes name no source: the feed's readers skip by source only what they wrote themselves.
        Writer.writeChanges(connection, feed.column(0, Short[]::new), feed.column(1, String[]::new),
            feed.column(2, Integer[]::new), feed.column(3, String[]::new), feed.column(4, Timestamp[]::new),
            new String[feed.size()], feed.column(5, Boolean[]::new), feed.column(6, Boolean[]::new));
      }
    }

    /** Inserts the new resources; their other imported versions then go to history under the rids they got. */
    private void insertCreated(Connection connection, String prefix) throws SQLException, Raced {
      if (created.isEmpty()) {
        return;
      }
      // A line that took a rid gives it to its resource: its index rows are under it already.
      // An import keeps the ids it reads, as PUT [type]/[id] would: history tells its first versions so.
      String sql = "INSERT INTO resource (rid, type, id, version, last_updated, deleted, body, created_by_put)"
          + " OVERRIDING SYSTEM VALUE"
          + " SELECT coalesce(l.rid, nextval('" + DirectIndexes.RIDS + "')), l.type, l.id, p.version, p.updated,"
          + " false, " + STAMPED + ", true FROM unnest(?::int8[], ?::int4[],"
          + " ?::timestamptz[], ?::text[]) AS p(seq, version, updated, text) JOIN " + prefix + "line l"
          + " ON l.seq = p.seq ORDER BY l.type, l.id ON CONFLICT (type, id) DO NOTHING RETURNING rid, type, id";
      Map<Key, Long> rids = new HashMap<>();
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        bind(connection, statement, created, "int8", "int4", "timestamptz", "text");
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            rids.put(new Key(rows.getShort(2), rows.getString(3)), rows.getLong(1));
          }
        }
      }
      if (rids.size() < created.size()) {
        throw new Raced();
      }
      createdKeys.forEach((seq, key) -> currentRids.put(seq, rids.get(key)));
      pendingHistory.forEach((key, decisions) -> decisions.forEach(decision -> history.add(rids.get(key),
          decision.seq(), decision.version(), ts(decision.lastUpdated()), decision.lastUpdatedText(),
          ts(decision.replacedAt()))));
    }

    /**
     * The index rows of replaced versions go; those of the new current versions come: copied from the staging
     * under their rids, or, for lines whose rows are live already, moved to the rid of the resource they update
     * (kept where it is their own). The live rows of the other lines go.
     */
    private void copyIndexes(Connection connection, String prefix) throws SQLException {
      Map<Long, Long> copied = new HashMap<>();
      Map<Long, Long> moved = new HashMap<>();
      Map<Long, Long> dropped = new HashMap<>(lineRids);
      currentRids.forEach((seq, rid) -> {
        Long lineRid = dropped.remove(seq);
        if (lineRid == null) {
          copied.put(seq, rid);
        } else if (!lineRid.equals(rid)) {
          moved.put(lineRid, rid);
        }
      });
      List<String> parts = new ArrayList<>();
      List<Object> args = new ArrayList<>();
      for (String table : IndexWriter.TABLES) {
        for (List<Long> rids : List.of(reindexed, List.copyOf(dropped.values()))) {
          if (!rids.isEmpty()) {
            parts.add("DELETE FROM " + table + " WHERE rid = ANY(?::int8[])");
            args.add(rids.toArray());
          }
        }
        if (!moved.isEmpty()) {
          parts.add("UPDATE " + table + " t SET rid = m.rid FROM unnest(?::int8[], ?::int8[]) AS m(old, rid)"
              + " WHERE t.rid = m.old");
          args.addAll(List.of(moved.keySet().toArray(), moved.values().toArray()));
        }
        if (!copied.isEmpty()) {
          parts.add(IndexWriter.copyStaged(prefix, table));
          args.addAll(List.of(copied.keySet().toArray(), copied.values().toArray(),
              copied.keySet().stream().mapToLong(Long::longValue).min().orElseThrow(),
              copied.keySet().stream().mapToLong(Long::longValue).max().orElseThrow()));
        }
      }
      if (parts.isEmpty()) {
        return;
      }
      StringBuilder sql = new StringBuilder("WITH ");
      for (int n = 0; n < parts.size(); n++) {
        sql.append("w").append(n).append(" AS (").append(parts.get(n)).append("), ");
      }
      sql.setLength(sql.length() - 2);
      sql.append(" SELECT 1");
      try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          if (args.get(i) instanceof Object[] array) {
            statement.setArray(i + 1, connection.createArrayOf("int8", array));
          } else {
            statement.setLong(i + 1, (Long) args.get(i));
          }
        }
        statement.execute();
      }
    }
  }

  private static Timestamp ts(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  private static void execute(Connection connection, String sql, Columns columns, String... types)
      throws SQLException {
    if (columns.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(connection, statement, columns, types);
      statement.executeUpdate();
    }
  }

  private static void bind(Connection connection, PreparedStatement statement, Columns columns, String... types)
      throws SQLException {
    for (int i = 0; i < types.length; i++) {
      statement.setArray(i + 1, connection.createArrayOf(types[i], columns.column(i, Object[]::new)));
    }
  }

  /** Rows gathered column by column, for statements over arrays. */
  private static final class Columns {
    private final List<List<Object>> columns = new ArrayList<>();
    private int size;

    void add(Object... row) {
      while (columns.size() < row.length) {
        columns.add(new ArrayList<>());
      }
      for (int i = 0; i < row.length; i++) {
        columns.get(i).add(row[i]);
      }
      size++;
    }

    boolean isEmpty() {
      return size == 0;
    }

    int size() {
      return size;
    }

    <T> T[] column(int index, java.util.function.IntFunction<T[]> array) {
      return columns.get(index).toArray(array);
    }
  }
}
