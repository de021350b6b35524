package io.brazier.store.sql;

import io.brazier.store.StoreFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Numbers the change feed. PostgreSQL sequences can commit out of order under concurrent writers, so writers append
 * unnumbered rows and the sequencer numbers the committed ones, one sequencer at a time across all nodes (an
 * advisory lock): a row committed later always gets a higher number, and a reader that resumes after the last
 * number it saw never skips a committed write. Each numbering sends a notice ({@link ChangeNotices}) that every node
 * receives once it commits.
 */
final class ChangeSequencer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeSequencer.class);
  static final long SEQUENCER_LOCK = 0x62727a_6368616eL;
  /** The most changes one pass numbers. */
  static final int MOST_PER_PASS = 50_000;
  private static final String UNNUMBERED =
      "SELECT id, type FROM change WHERE seq IS NULL ORDER BY id LIMIT " + MOST_PER_PASS;
  private static final String LAST = "SELECT coalesce(max(seq), 0) FROM change";
  private static final String NUMBER =
      "UPDATE change c SET seq = n.seq FROM unnest(?::bigint[], ?::bigint[]) AS n(id, seq) WHERE c.id = n.id";
  private static final long IDLE_NANOS = 200_000_000L;
  private static final long BATCH_MILLIS = 20;

  private final DataSource dataSource;
  private final TypeKeys types;
  private volatile Thread sequencer;
  private volatile boolean closed;

  ChangeSequencer(DataSource dataSource, TypeKeys types) {
    this.dataSource = dataSource;
    this.types = types;
  }

  /** Numbers the committed changes not numbered yet, in the order of their ids; returns how many. */
  int number() {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      try {
        statement.execute("SELECT pg_advisory_xact_lock(" + SEQUENCER_LOCK + ")");
        // A plain index scan, unlike a bitmap scan, marks the index entries of the rows numbered before as dead as
        // it passes them: the partial index of unnumbered rows then costs what it holds, not what it once held.
        statement.execute("SET LOCAL enable_bitmapscan = off");
        List<Long> ids = new ArrayList<>();
        Set<String> numbered = new TreeSet<>();
        try (ResultSet rows = statement.executeQuery(UNNUMBERED)) {
          while (rows.next()) {
            ids.add(rows.getLong(1));
            numbered.add(types.name(rows.getShort(2)));
          }
        }
        if (!ids.isEmpty()) {
          long last = assign(connection, statement, ids);
          ChangeNotices.announce(connection, last, numbered);
        }
        connection.commit();
        return ids.size();
      } catch (SQLException e) {
        Rollbacks.rollBack(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not number the change feed", e);
    }
  }

  /** Numbers the rows after the highest number given so far; returns the last number given. */
  private static long assign(Connection connection, Statement statement, List<Long> ids) throws SQLException {
    long last;
    try (ResultSet row = statement.executeQuery(LAST)) {
      row.next();
      last = row.getLong(1);
    }
    Long[] seqs = new Long[ids.size()];
    for (int i = 0; i < seqs.length; i++) {
      seqs[i] = last + i + 1;
    }
    try (PreparedStatement update = connection.prepareStatement(NUMBER)) {
      update.setArray(1, connection.createArrayOf("int8", ids.toArray()));
      update.setArray(2, connection.createArrayOf("int8", seqs));
      update.executeUpdate();
    }
    return seqs[seqs.length - 1];
  }

  /** Numbers changes in the background: promptly after a local commit, and every 200 ms for other nodes' writes. */
  void start() {
    Thread thread = new Thread(this::run, "brazier-change-sequencer");
    thread.setDaemon(true);
    sequencer = thread;
    thread.start();
  }

  void wake() {
    Thread thread = sequencer;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    while (!closed) {
      try {
        number();
        // A short pause lets one pass number the commits of many requests; a wake-up ends only the idle wait.
        Thread.sleep(BATCH_MILLIS);
        LockSupport.parkNanos(IDLE_NANOS);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) { // whatever failed, the feed must not stop for good: numbering is retried
        if (!closed) {
          if (e instanceof StoreFailure) {
            log.warn("Change sequencer failed, retrying in 1 s: {}", e.getMessage());
          } else {
            log.error("Change sequencer failed unexpectedly, retrying in 1 s", e);
          }
          LockSupport.parkNanos(1_000_000_000L);
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread thread = sequencer;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
