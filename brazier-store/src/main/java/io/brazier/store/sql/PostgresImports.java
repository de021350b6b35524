package io.brazier.store.sql;

import io.brazier.store.ImportBatch;
import io.brazier.store.ImportBatch.Dangling;
import io.brazier.store.ImportBatch.Deferred;
import io.brazier.store.ImportBatch.Failure;
import io.brazier.store.ImportLine;
import io.brazier.store.Imports;
import io.brazier.store.Imports.Refused;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.StoreFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;

/** {@link Imports} on PostgreSQL: staging in {@link ImportStaging}'s tables, merging by {@link ImportMerge}. */
final class PostgresImports implements Imports {
  /**
   * An import's transactions do not wait for the disk: a crash of the database loses at most its last commits, in
   * order and whole, and the import resumes from what remains (a crash empties the staging anyway); the job's end
   * is written with a waiting commit, which makes everything before it durable.
   */
  static final String ASYNC = "SET LOCAL synchronous_commit = off";
  /**
   * An import's transactions are not held to the statement timeout ({@code --db-statement-timeout}): that bounds
   * what a client waits for, while an import's statements grow with its data (checks span the whole import, and a
   * merge's statements its batch's index rows: 680,000 for 4 lines of 170,000 given names), and one timing out
   * would fail the whole import, which, resumed, would time out again. Batches are not cut by index rows instead:
   * they are cut on raw lines, before the readers parse them, and the lines of one resource all go to one batch
   * whatever their number; a batch's rows are bounded by its lines times the most index entries of one resource
   * ({@code --max-index-entries}). The writers a merge waits for (the resources it locks) are held to the timeout, and a
   * cancelled or lost job stops after the batch.
   */
  static final String NO_TIMEOUT = "SET LOCAL statement_timeout = 0";

  private final DataSource dataSource;
  private final TypeKeys types;
  private final IndexWriter indexes;
  private final ImportMerge merge;
  private final BulkIndexes bulk;

  PostgresImports(DataSource dataSource, TypeKeys types, IndexWriter indexes, Runnable committed) {
    this.dataSource = dataSource;
    this.types = types;
    this.indexes = indexes;
    this.merge = new ImportMerge(dataSource, types, committed);
    this.bulk = new BulkIndexes(dataSource);
  }

  @Override
  public boolean dropIndexes(String job) {
    return bulk.drop(job);
  }

  @Override
  public void restoreIndexes(String job, int parallel) {
    bulk.restore("job = ?", UUID.fromString(job), parallel);
  }

  @Override
  public void repair(int parallel, Duration settled) {
    transaction("drop the staging of ended imports", connection -> {
      ImportStaging.sweep(connection, settled);
      return null;
    });
    bulk.restore("NOT EXISTS (SELECT 1 FROM job j WHERE j.id = i.job AND j.status IN ('queued', 'running'))", null,
        parallel);
  }

  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction, without the statement timeout of requests ({@link #NO_TIMEOUT}), and
   * without waiting for its commit to reach the disk ({@link #ASYNC}).
   */
  private <T> T transaction(String what, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute(NO_TIMEOUT);
        statement.execute(ASYNC);
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        Rollbacks.rollBack(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not " + what, e);
    }
  }

  @Override
  public Staging open(String job) {
    return transaction("open the staging of import " + job, connection -> {
      ImportStaging.sweep(connection, Duration.ZERO);
      Staging staging = ImportStaging.open(connection, job);
      if (staging == Staging.LOST) {
        // The lines of batches merged before the crash are staged again and counted again when merged.
        try (PreparedStatement statement = connection.prepareStatement("DELETE FROM import_merged WHERE job = ?")) {
          statement.setObject(1, UUID.fromString(job));
          statement.executeUpdate();
        }
      }
      return staging;
    });
  }

  @Override
  public Encoded encode(String job, ImportBatch batch) {
    indexes.prepare(batch.lines(), ImportLine::type, ImportLine::index);
    // Into an empty store, the index rows go straight into the live tables, under rids the lines take now. A rid
    // taken for a batch that is never staged is a gap in the sequence, as a rolled-back write leaves.
    long[] rids = batch.lines().isEmpty() ? null : transaction("take rids for import " + job, connection ->
        DirectIndexes.active(connection, job) ? DirectIndexes.reserve(connection, batch.lines().size()) : null);
    return new ImportBatchRows(job, batch, types, indexes, rids);
  }

  @Override
  public boolean stage(List<Encoded> batches, JobHeartbeat heartbeat) {
    return transaction("stage a batch of import " + heartbeat.job(), connection -> {
      for (Encoded batch : batches) {
        ((ImportBatchRows) batch).write(connection);
      }
      if (!PostgresJobStore.heartbeat(connection, heartbeat)) {
        connection.rollback();
        return false;
      }
      return true;
    });
  }

  @Override
  public List<String> identified(String job, String type, String identifier) {
    String sql = "SELECT DISTINCT id FROM " + ImportStaging.prefix(job) + "identifier WHERE type = ? AND key = ?";
    return query("find staged " + type + " by identifier", sql, statement -> {
      statement.setShort(1, types.key(type));
      statement.setString(2, identifier);
    }, row -> row.getString(1));
  }

  @Override
  public List<Deferred> deferred(String job, int limit) {
    String sql = "SELECT seq, type, id, raw FROM " + ImportStaging.prefix(job) + "deferred ORDER BY seq LIMIT ?";
    return query("read the deferred lines of import " + job, sql, statement -> statement.setInt(1, limit),
        row -> new Deferred(row.getLong(1), types.name(row.getShort(2)), row.getString(3), List.of(),
            row.getBytes(4)));
  }

  @Override
  public void settle(String job) {
    String prefix = ImportStaging.prefix(job);
    transaction("settle the staging of import " + job, connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE INDEX IF NOT EXISTS " + prefix + "line_key ON " + prefix + "line (type, id)");
        statement.execute("ANALYZE " + prefix + "line");
        statement.execute("ANALYZE " + prefix + "reference");
        if (!repeated(statement, prefix)) {
          return null; // each resource has one line: nothing to supersede nor to gather (the usual case)
        }
        // Of several lines without a version for one resource, the last wins: the others are superseded.
        statement.execute("UPDATE " + prefix + "line l SET state = 'X' FROM (SELECT seq, row_number() OVER"
            + " (PARTITION BY type, id ORDER BY seq DESC) AS n FROM " + prefix + "line WHERE version IS NULL"
            + " AND state = 'S' AND (type, id) IN (SELECT type, id FROM " + prefix + "line WHERE version IS NULL"
            + " GROUP BY type, id HAVING count(*) > 1)) d WHERE d.n > 1 AND l.seq = d.seq");
        // Every line of one resource in one batch, its first: batches then merge side by side without meeting.
        statement.execute("UPDATE " + prefix + "line l SET batch = k.batch FROM (SELECT type, id, min(batch) AS batch"
            + " FROM " + prefix + "line GROUP BY type, id HAVING count(*) > 1) k"
            + " WHERE l.type = k.type AND l.id = k.id AND l.batch <> k.batch");
      }
      return null;
    });
  }

  /** Whether a resource has more than one staged line, read along the {@code (type, id)} index. */
  private static boolean repeated(Statement statement, String prefix) throws SQLException {
    try (ResultSet row = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM " + prefix + "line"
        + " GROUP BY type, id HAVING count(*) > 1)")) {
      row.next();
      return row.getBoolean(1);
    }
  }

  /**
   * Every reference anti-joined with a hash of the staged lines, then with the store for what that leaves, which
   * PostgreSQL's parallel query splits over the cores. Distinct targets first cost a sort, and led the planner to probe
   * the staging's index once per reference on one core: ten times the CPU on the shared Synthea set.
   */
  @Override
  public List<Dangling> dangling(String job, Collection<String> targets) {
    String prefix = ImportStaging.prefix(job);
    String only = targets == null ? "" : " (f.ttype, f.tid) IN (SELECT * FROM unnest(?::int2[], ?::text[])) AND";
    String sql = "SELECT f.seq, l.type, l.id, f.ttype, f.tid FROM " + prefix + "reference f"
        + " JOIN " + prefix + "line l ON l.seq = f.seq AND l.state = 'S' WHERE" + only
        + " NOT EXISTS (SELECT 1 FROM " + prefix + "line t WHERE t.type = f.ttype AND t.id = f.tid AND t.state = 'S')"
        + " AND NOT EXISTS (SELECT 1 FROM resource r WHERE r.type = f.ttype AND r.id = f.tid AND NOT r.deleted)"
        + " ORDER BY f.seq";
    return transaction("find the dangling references of import " + job, connection -> {
      List<Dangling> dangling = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        if (targets != null) {
          List<Object> typeKeys = new ArrayList<>();
          List<Object> ids = new ArrayList<>();
          for (String target : targets) {
            typeKeys.add(types.key(target.substring(0, target.indexOf('/'))));
            ids.add(target.substring(target.indexOf('/') + 1));
          }
          statement.setArray(1, array(connection, "int2", typeKeys));
          statement.setArray(2, array(connection, "text", ids));
        }
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            dangling.add(new Dangling(rows.getLong(1), types.name(rows.getShort(2)) + "/" + rows.getString(3),
                types.name(rows.getShort(4)) + "/" + rows.getString(5)));
          }
        }
      }
      return dangling;
    });
  }

  @Override
  public void reject(String job, List<Failure> failures) {
    if (failures.isEmpty()) {
      return;
    }
    transaction("reject lines of import " + job, connection -> {
      execute(connection, "UPDATE " + ImportStaging.prefix(job) + "line SET state = 'E' WHERE seq = ANY(?)",
          array(connection, "int8", failures.stream().map(Failure::seq).map(Object.class::cast).toList()));
      ImportBatchRows.insertFailures(connection, job, failures);
      return null;
    });
  }

  @Override
  public List<Integer> unmerged(String job) {
    String sql = "SELECT DISTINCT batch FROM " + ImportStaging.prefix(job) + "line WHERE batch NOT IN"
        + " (SELECT batch FROM import_merged WHERE job = ?) ORDER BY batch";
    return query("list the unmerged batches of import " + job, sql,
        statement -> statement.setObject(1, UUID.fromString(job)), row -> row.getInt(1));
  }

  @Override
  public long merged(String job) {
    return query("count the merged batches of import " + job, "SELECT count(*) FROM import_merged WHERE job = ?",
        statement -> statement.setObject(1, UUID.fromString(job)), row -> row.getLong(1)).get(0);
  }

  @Override
  public Optional<Merged> merge(String job, int batch, Instant now, JobHeartbeat heartbeat,
      Function<Refused, Failure> failure) {
    return merge.merge(job, ImportStaging.prefix(job), batch, now, heartbeat, failure);
  }

  @Override
  public Map<Integer, Long> imported(String job) {
    String sql = "SELECT u.input, sum(u.lines) FROM import_merged m, unnest(m.inputs, m.lines) AS u(input, lines)"
        + " WHERE m.job = ? GROUP BY u.input";
    return counts("count what import " + job + " imported", sql, job);
  }

  @Override
  public Map<Integer, Long> written(String job) {
    String sql = "SELECT u.input, sum(u.written) FROM import_merged m,"
        + " unnest(m.inputs, m.written) AS u(input, written) WHERE m.job = ? GROUP BY u.input"
        + " HAVING count(*) = count(u.written)";
    return counts("count what import " + job + " wrote", sql, job);
  }

  @Override
  public Map<Integer, Long> failed(String job) {
    String sql = "SELECT (seq >> 32)::int, count(*) FROM import_error WHERE job = ? GROUP BY 1";
    return counts("count the failures of import " + job, sql, job);
  }

  private Map<Integer, Long> counts(String what, String sql, String job) {
    Map<Integer, Long> counts = new LinkedHashMap<>();
    query(what, sql, statement -> statement.setObject(1, UUID.fromString(job)),
        row -> counts.put(row.getInt(1), row.getLong(2)));
    return counts;
  }

  @Override
  public void writeFailures(String job, int input, OutputStream out) throws IOException {
    String sql = "SELECT outcome FROM import_error WHERE job = ? AND seq >= ? AND seq < ? ORDER BY seq";
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false); // a cursor: the outcomes stream, however many
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        statement.setFetchSize(500);
        statement.setObject(1, UUID.fromString(job));
        statement.setLong(2, ImportLine.seq(input, 0));
        statement.setLong(3, ImportLine.seq(input + 1, 0));
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            out.write(rows.getBytes(1));
            out.write('\n');
          }
        }
      } finally {
        connection.rollback();
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not read the failures of import " + job, e);
    }
  }

  @Override
  public void close(String job) {
    transaction("drop the staging of import " + job, connection -> {
      try (Statement statement = connection.createStatement()) {
        ImportStaging.drop(statement, ImportStaging.prefix(job));
      }
      return null;
    });
  }

  @Override
  public Set<String> holding(Collection<String> typeNames) {
    String sql = "SELECT t FROM unnest(?::int2[]) AS t WHERE EXISTS (SELECT 1 FROM resource r WHERE r.type = t)";
    List<Object> keys = typeNames.stream().map(types::key).map(Object.class::cast).toList();
    Set<String> holding = new HashSet<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, array(connection, "int2", keys));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          holding.add(types.name(rows.getShort(1)));
        }
      }
      return holding;
    } catch (SQLException e) {
      throw new StoreFailure("Could not find which types hold resources", e);
    }
  }

  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private interface Reader<T> {
    T read(ResultSet row) throws SQLException;
  }

  private <T> List<T> query(String what, String sql, Binder binder, Reader<T> reader) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      binder.bind(statement);
      List<T> results = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          results.add(reader.read(rows));
        }
      }
      return results;
    } catch (SQLException e) {
      throw new StoreFailure("Could not " + what, e);
    }
  }

  static void execute(Connection connection, String sql, java.sql.Array... arrays) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < arrays.length; i++) {
        statement.setArray(i + 1, arrays[i]);
      }
      statement.executeUpdate();
    }
  }

  static java.sql.Array array(Connection connection, String type, Collection<?> values)
      throws SQLException {
    return connection.createArrayOf(type, values.toArray());
  }
}
