package io.brazier.sync.target;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Back-fill jobs, kept in the target so that any agent on it can resume one: an agent claims the oldest queued job
 * (or one whose agent's lease ran out) for a lease that each page it writes renews, in the same transaction as the
 * page's rows; an agent that lost its job (another took it over) writes nothing more of it.
 */
public final class BackfillJobs {
  static final Duration LEASE = Duration.ofSeconds(30);
  private static final String COLUMNS = "id, types, status, type_index, cursor, done, total, error, created, updated";

  private final TargetDatabase database;

  BackfillJobs(TargetDatabase database) {
    this.database = database;
  }

  /** A back-fill: the types to read again, and how far it got (the type, and the last lastUpdated written). */
  public record Job(UUID id, List<String> types, String status, int typeIndex, String cursor, long done, long total,
      String error, Instant created, Instant updated) {}

  /** One page of a back-fill, recorded with its rows. */
  public record Step(UUID job, String owner, int typeIndex, String cursor, long done) {}

  /** Another agent took the job over (this one's lease ran out): what this one did since is rolled back. */
  public static final class LostJob extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LostJob(UUID job) {
      super("Back-fill " + job + " is no longer this agent's");
    }
  }

  public UUID queue(List<String> types) throws SQLException {
    UUID id = UUID.randomUUID();
    database.transaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement(
          "INSERT INTO sync_backfill (id, types, status) VALUES (?, ?, 'queued')")) {
        statement.setObject(1, id);
        statement.setArray(2, connection.createArrayOf("text", types.toArray()));
        return statement.executeUpdate();
      }
    });
    return id;
  }

  /** The oldest job waiting, or whose agent stopped renewing its lease, now {@code owner}'s. */
  public Optional<Job> claim(String owner) throws SQLException {
    return database.transaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement("UPDATE sync_backfill SET status = 'running',"
          + " owner = ?, lease_until = now() + ? * interval '1 millisecond', updated = now() WHERE id = (SELECT id"
          + " FROM sync_backfill WHERE status = 'queued' OR (status = 'running' AND lease_until < now())"
          + " ORDER BY created LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS)) {
        statement.setString(1, owner);
        statement.setLong(2, LEASE.toMillis());
        try (ResultSet rows = statement.executeQuery()) {
          return rows.next() ? Optional.of(job(rows)) : Optional.empty();
        }
      }
    });
  }

  /** Sets how many resources the job reads in all, once it has counted them. */
  public void total(UUID id, String owner, long total) throws SQLException {
    update(id, owner, "total = ?", statement -> statement.setLong(1, total));
  }

  /** Records a page in the transaction of its rows, renewing the lease. */
  static void record(Connection connection, Step step) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("UPDATE sync_backfill SET type_index = ?,"
        + " cursor = ?, done = ?, lease_until = now() + ? * interval '1 millisecond', updated = now()"
        + " WHERE id = ? AND owner = ? AND status = 'running'")) {
      statement.setInt(1, step.typeIndex());
      statement.setString(2, step.cursor());
      statement.setLong(3, step.done());
      statement.setLong(4, LEASE.toMillis());
      statement.setObject(5, step.job());
      statement.setString(6, step.owner());
      if (statement.executeUpdate() == 0) {
        throw new LostJob(step.job());
      }
    }
  }

  /** Ends a job: {@code done}, or {@code failed} with why. */
  public void finish(UUID id, String owner, String status, String error) throws SQLException {
    update(id, owner, "status = ?, owner = NULL, lease_until = NULL, error = ?", statement -> {
      statement.setString(1, status);
      statement.setString(2, error);
    });
  }

  /** Hands this agent's running jobs back at once (it is stopping), for another agent or its next start. */
  public void release(String owner) throws SQLException {
    database.transaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement("UPDATE sync_backfill SET lease_until = now()"
          + " WHERE owner = ? AND status = 'running'")) {
        statement.setString(1, owner);
        return statement.executeUpdate();
      }
    });
  }

  /**
   * Makes every running job claimable at once: called by an agent as it becomes the active one, when no other agent
   * runs back-fills any more (an agent that lost the leader lock stops at its next page, as it no longer owns its job).
   */
  public void resumeAll() throws SQLException {
    database.transaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement("UPDATE sync_backfill SET lease_until = now()"
          + " WHERE status = 'running'")) {
        return statement.executeUpdate();
      }
    });
  }

  /** The job of this id, if there is one. */
  public Optional<Job> job(UUID id) throws SQLException {
    return database.transaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS
          + " FROM sync_backfill WHERE id = ?")) {
        statement.setObject(1, id);
        try (ResultSet rows = statement.executeQuery()) {
          return rows.next() ? Optional.of(job(rows)) : Optional.empty();
        }
      }
    });
  }

  /** The latest jobs, newest first. */
  public List<Job> recent(int limit) throws SQLException {
    return database.transaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS
          + " FROM sync_backfill ORDER BY created DESC LIMIT ?")) {
        statement.setInt(1, limit);
        List<Job> jobs = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            jobs.add(job(rows));
          }
        }
        return jobs;
      }
    });
  }

  /** Sets the parameters of an update's SET clause, from 1. */
  private interface Setter {
    void set(PreparedStatement statement) throws SQLException;
  }

  private void update(UUID id, String owner, String set, Setter setter) throws SQLException {
    int parameters = (int) set.chars().filter(c -> c == '?').count();
    database.transaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement("UPDATE sync_backfill SET " + set
          + ", updated = now() WHERE id = ? AND owner = ? AND status = 'running'")) {
        setter.set(statement);
        statement.setObject(parameters + 1, id);
        statement.setString(parameters + 2, owner);
        if (statement.executeUpdate() == 0) {
          throw new LostJob(id);
        }
        return null;
      }
    });
  }

  private static Job job(ResultSet row) throws SQLException {
    return new Job(row.getObject("id", UUID.class), Arrays.asList((String[]) row.getArray("types").getArray()),
        row.getString("status"), row.getInt("type_index"), row.getString("cursor"), row.getLong("done"),
        row.getLong("total"), row.getString("error"), row.getTimestamp("created").toInstant(),
        row.getTimestamp("updated").toInstant());
  }
}
