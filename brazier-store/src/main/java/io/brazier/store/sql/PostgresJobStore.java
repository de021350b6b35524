package io.brazier.store.sql;

import io.brazier.store.Job;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.JobStore;
import io.brazier.store.StoreFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The {@link JobStore} on the {@code job} table. Leases are reckoned on the database's clock, so the clocks of the
 * nodes need not agree.
 */
final class PostgresJobStore implements JobStore {
  private static final String COLUMNS = "id, kind, request, submitter, status, done, total, cursor, result, error,"
      + " error_status, owner, lease_until, created, updated";
  private static final String CLAIM = """
      UPDATE job SET status = 'running', owner = ?, lease_until = now() + ? * interval '1 millisecond',
             updated = now()
       WHERE id = (SELECT id FROM job
                    WHERE kind = ANY (?) AND (status = 'queued' OR (status = 'running' AND lease_until < now()))
                    ORDER BY created LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING\s""" + COLUMNS;
  private static final String INSERT =
      "INSERT INTO job (id, kind, request, submitter, status) VALUES (?, ?, ?::jsonb, ?, 'queued')";
  private static final String HELD = " WHERE id = ? AND owner = ? AND status = 'running'";

  private final DataSource dataSource;

  PostgresJobStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  private interface Binder {
    void bind(PreparedStatement statement, Connection connection) throws SQLException;
  }

  @Override
  public String submit(String kind, String request, String submitter) {
    UUID id = UUID.randomUUID();
    update("submit a " + kind + " job", INSERT,
        (statement, connection) -> queued(statement, id, kind, request, submitter));
    return id.toString();
  }

  @Override
  public Optional<String> submit(String kind, String request, String submitter, int mostActive, String twin) {
    UUID id = UUID.randomUUID();
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        takeTurn(connection, kind);
        Optional<String> active = twin == null ? Optional.empty() : twin(connection, kind, submitter, twin);
        if (active.isPresent()) {
          connection.rollback();
          return active;
        }
        if (active(connection, kind) >= mostActive) {
          connection.rollback();
          return Optional.empty();
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
          queued(insert, id, kind, request, submitter);
          insert.executeUpdate();
        }
        connection.commit();
        return Optional.of(id.toString());
      } catch (SQLException | RuntimeException e) {
        Rollbacks.rollBack(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not submit a " + kind + " job", e);
    }
  }

  private static void queued(PreparedStatement insert, UUID id, String kind, String request, String submitter)
      throws SQLException {
    insert.setObject(1, id);
    insert.setString(2, kind);
    insert.setString(3, request);
    insert.setString(4, submitter);
  }

  /** Waits for the turn of submitters of a kind, held until the transaction ends. */
  private static void takeTurn(Connection connection, String kind) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      lock.setLong(1, ("brazier-job-submit/" + kind).hashCode());
      lock.execute();
    }
  }

  @Override
  public Optional<String> twin(String kind, String submitter, String twin) {
    try (Connection connection = dataSource.getConnection()) {
      return twin(connection, kind, submitter, twin);
    } catch (SQLException e) {
      throw new StoreFailure("Could not look for a twin of a " + kind + " job", e);
    }
  }

  /** A queued or running job of a kind, by this submitter, whose request contains {@code twin}. */
  private static Optional<String> twin(Connection connection, String kind, String submitter, String twin)
      throws SQLException {
    try (PreparedStatement find = connection.prepareStatement("SELECT id FROM job WHERE kind = ? AND status IN"
        + " ('queued', 'running') AND submitter IS NOT DISTINCT FROM ? AND request @> ?::jsonb ORDER BY created"
        + " LIMIT 1")) {
      find.setString(1, kind);
      find.setString(2, submitter);
      find.setString(3, twin);
      try (ResultSet row = find.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
      }
    }
  }

  /** How many jobs of a kind are queued or running, once this transaction holds the kind's turn. */
  private static int active(Connection connection, String kind) throws SQLException {
    try (PreparedStatement count = connection.prepareStatement(
        "SELECT count(*) FROM job WHERE kind = ? AND status IN ('queued', 'running')")) {
      count.setString(1, kind);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  @Override
  public Optional<Job> claim(String owner, Collection<String> kinds, Duration lease) {
    if (kinds.isEmpty()) {
      return Optional.empty();
    }
    return query("claim a job", CLAIM, (statement, connection) -> {
      statement.setString(1, owner);
      statement.setLong(2, lease.toMillis());
      statement.setArray(3, connection.createArrayOf("text", kinds.toArray()));
    });
  }

  @Override
  public boolean heartbeat(String id, String owner, long done, Long total, String cursor, Duration lease) {
    try (Connection connection = dataSource.getConnection()) {
      return heartbeat(connection, new JobHeartbeat(id, owner, done, total, cursor, lease));
    } catch (SQLException e) {
      throw new StoreFailure("Could not record the progress of job " + id, e);
    }
  }

  /**
   * Records progress, cursor and a new lease in the caller's transaction, so that work and its progress commit
   * together; false when the owner no longer holds the job (the caller then rolls back).
   */
  static boolean heartbeat(Connection connection, JobHeartbeat heartbeat) throws SQLException {
    String sql = "UPDATE job SET done = ?, total = ?, cursor = ?::jsonb,"
        + " lease_until = now() + ? * interval '1 millisecond', updated = now()" + HELD;
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setLong(1, heartbeat.done());
      statement.setObject(2, heartbeat.total(), Types.BIGINT);
      statement.setString(3, heartbeat.cursor());
      statement.setLong(4, heartbeat.lease().toMillis());
      held(statement, 5, heartbeat.job(), heartbeat.owner());
      return statement.executeUpdate() > 0;
    }
  }

  @Override
  public boolean finish(String id, String owner, byte[] result) {
    String sql = "UPDATE job SET status = 'done', result = ?, lease_until = NULL, updated = now()" + HELD;
    return update("finish job " + id, sql, (statement, connection) -> {
      statement.setBytes(1, result);
      held(statement, 2, id, owner);
    }) > 0;
  }

  @Override
  public boolean fail(String id, String owner, int status, byte[] outcome) {
    String sql = "UPDATE job SET status = 'failed', error = ?, error_status = ?, lease_until = NULL, updated = now()"
        + HELD;
    return update("fail job " + id, sql, (statement, connection) -> {
      statement.setBytes(1, outcome);
      statement.setShort(2, (short) status);
      held(statement, 3, id, owner);
    }) > 0;
  }

  @Override
  public boolean release(String id, String owner) {
    String sql = "UPDATE job SET status = 'queued', owner = NULL, lease_until = NULL, updated = now()" + HELD;
    return update("release job " + id, sql, (statement, connection) -> held(statement, 1, id, owner)) > 0;
  }

  @Override
  public boolean cancel(String id) {
    UUID uuid = uuid(id);
    if (uuid == null) {
      return false;
    }
    String sql = "UPDATE job SET status = 'cancelled', result = NULL, lease_until = NULL, updated = now()"
        + " WHERE id = ? AND status <> 'cancelled'";
    return update("cancel job " + id, sql, (statement, connection) -> statement.setObject(1, uuid)) > 0;
  }

  @Override
  public int purge(Duration age) {
    String sql = "DELETE FROM job WHERE status IN ('done', 'failed', 'cancelled')"
        + " AND updated < now() - make_interval(secs => ?)";
    return update("purge jobs", sql, (statement, connection) -> statement.setDouble(1, age.toMillis() / 1000.0));
  }

  @Override
  public List<String> ended(String kind, Duration age) {
    String sql = "SELECT id FROM job WHERE kind = ? AND status IN ('done', 'failed', 'cancelled')"
        + " AND updated < now() - make_interval(secs => ?)";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, kind);
      statement.setDouble(2, age.toMillis() / 1000.0);
      List<String> ids = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw new StoreFailure("Could not list the ended " + kind + " jobs", e);
    }
  }

  @Override
  public boolean delete(String id) {
    UUID uuid = uuid(id);
    return uuid != null && update("delete job " + id, "DELETE FROM job WHERE id = ?",
        (statement, connection) -> statement.setObject(1, uuid)) > 0;
  }

  @Override
  public Optional<Job> read(String id) {
    UUID uuid = uuid(id);
    if (uuid == null) {
      return Optional.empty();
    }
    return query("read job " + id, "SELECT " + COLUMNS + " FROM job WHERE id = ?",
        (statement, connection) -> statement.setObject(1, uuid));
  }

  private static void held(PreparedStatement statement, int index, String id, String owner) throws SQLException {
    statement.setObject(index, UUID.fromString(id));
    statement.setString(index + 1, owner);
  }

  /** A job id is a UUID; anything else names no job. */
  private static UUID uuid(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private int update(String what, String sql, Binder binder) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      binder.bind(statement, connection);
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new StoreFailure("Could not " + what, e);
    }
  }

  private Optional<Job> query(String what, String sql, Binder binder) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      binder.bind(statement, connection);
      try (ResultSet row = statement.executeQuery()) {
        return row.next() ? Optional.of(job(row)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not " + what, e);
    }
  }

  private static Job job(ResultSet row) throws SQLException {
    return new Job(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
        Job.Status.of(row.getString(5)), row.getLong(6), row.getObject(7, Long.class), row.getString(8),
        row.getBytes(9), row.getBytes(10), row.getShort(11), row.getString(12), instant(row.getTimestamp(13)),
        instant(row.getTimestamp(14)), instant(row.getTimestamp(15)));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
