package io.brazier.store.sql;

import io.brazier.store.StoreFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the change rows older than the feed keeps ({@code --changes-retention}), once an hour, one node at a time
 * (an advisory lock taken without waiting: a node that finds it taken leaves the work to the other). It deletes the
 * oldest numbered rows up to the first one that is recent enough, so the feed keeps every sequence from its oldest
 * row on and a reader that missed some can be told so; it always keeps the newest row, which the sequencer numbers
 * after.
 */
final class ChangeRetention implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeRetention.class);
  static final long RETENTION_LOCK = 0x62727a_70727565L;
  private static final int BATCH = 10_000;
  private static final String PRUNE = """
      WITH batch AS (
        SELECT seq, at FROM change
         WHERE seq IS NOT NULL AND seq < (SELECT max(seq) FROM change)
         ORDER BY seq LIMIT %d
      ), recent AS (SELECT min(seq) AS seq FROM batch WHERE at >= ?)
      DELETE FROM change WHERE seq IN (
        SELECT b.seq FROM batch b, recent WHERE recent.seq IS NULL OR b.seq < recent.seq)""".formatted(BATCH);

  private final DataSource dataSource;
  private ScheduledExecutorService schedule;

  ChangeRetention(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Prunes changes older than {@code keep} a minute from now, then every hour. */
  synchronized void start(Duration keep) {
    if (schedule != null) {
      throw new IllegalStateException("Change retention is already running");
    }
    schedule = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "brazier-change-retention");
      thread.setDaemon(true);
      return thread;
    });
    schedule.scheduleWithFixedDelay(() -> pruneQuietly(keep), 1, 60, TimeUnit.MINUTES);
    log.info("Change feed retention={}", keep);
  }

  private void pruneQuietly(Duration keep) {
    try {
      int pruned = prune(keep);
      if (pruned > 0) {
        log.info("Change feed pruned rows={} retention={}", pruned, keep);
      }
    } catch (StoreFailure e) {
      log.warn("Change feed pruning failed, retrying in an hour: {}", e.getMessage());
    }
  }

  /** Deletes the changes written more than {@code keep} ago, unless another node is doing so; returns how many. */
  int prune(Duration keep) {
    Timestamp before = Timestamp.from(Instant.now().minus(keep));
    int pruned = 0;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)");
        PreparedStatement delete = connection.prepareStatement(PRUNE)) {
      connection.setAutoCommit(false);
      try {
        int deleted;
        do {
          deleted = locked(lock) ? batch(delete, before) : 0;
          connection.commit();
          pruned += deleted;
        } while (deleted == BATCH);
      } catch (SQLException e) {
        Rollbacks.rollBack(connection, e);
        throw e;
      }
      return pruned;
    } catch (SQLException e) {
      throw new StoreFailure("Could not prune the change feed", e);
    }
  }

  private static boolean locked(PreparedStatement lock) throws SQLException {
    lock.setLong(1, RETENTION_LOCK);
    try (ResultSet row = lock.executeQuery()) {
      return row.next() && row.getBoolean(1);
    }
  }

  private static int batch(PreparedStatement delete, Timestamp before) throws SQLException {
    delete.setTimestamp(1, before);
    return delete.executeUpdate();
  }

  @Override
  public synchronized void close() {
    if (schedule != null) {
      schedule.shutdownNow();
    }
  }
}
