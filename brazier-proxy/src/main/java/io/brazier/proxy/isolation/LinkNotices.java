package io.brazier.proxy.isolation;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node hears that identity links changed on any node: a trigger on {@code brazier_proxy.identity_link} sends
 * a notice ({@code NOTIFY}, delivered once the change commits), heard on one connection of the pool held by a thread
 * of its own. While that connection is down nothing is heard, so the links' cache is off ({@link #listening} false)
 * and every request reads its link again; each (re)connection drops what was kept.
 */
final class LinkNotices implements AutoCloseable {
  static final String CHANNEL = "brazier_identity_links";
  private static final Logger log = LoggerFactory.getLogger(LinkNotices.class);
  private static final int POLL_MILLIS = 1_000;
  private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final DataSource database;
  private final Runnable changed;
  private volatile boolean listening;
  private volatile boolean closed;
  private final Thread thread;

  /** @param changed what to do when links may have changed (drop what is kept) */
  LinkNotices(DataSource database, Runnable changed) {
    this.database = database;
    this.changed = changed;
    this.thread = new Thread(this::run, "brazier-identity-link-notices");
    thread.setDaemon(true);
  }

  LinkNotices start() {
    thread.start();
    return this;
  }

  /** Whether every change committed from now on will be heard. */
  boolean listening() {
    return listening;
  }

  private void run() {
    boolean lost = false;
    while (!closed) {
      try (Connection connection = database.getConnection()) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + CHANNEL);
        }
        // Anything kept before the LISTEN may be older than a change no one told this node of.
        changed.run();
        listening = true;
        lost = false;
        receive(connection);
      } catch (SQLException e) {
        listening = false;
        changed.run();
        if (!closed && !lost) {
          log.warn("Identity link notices connection lost; links are read on every request until it is back: {}",
              e.getMessage());
        }
        lost = true;
        LockSupport.parkNanos(RETRY_NANOS);
      }
    }
    listening = false;
  }

  private void receive(Connection connection) throws SQLException {
    PGConnection notices = connection.unwrap(PGConnection.class);
    long lastHeard = System.nanoTime();
    while (!closed) {
      PGNotification[] received = notices.getNotifications(POLL_MILLIS);
      if (received != null && received.length > 0) {
        lastHeard = System.nanoTime();
        changed.run();
      } else if (System.nanoTime() - lastHeard > CHECK_NANOS) {
        if (!connection.isValid(5)) {
          throw new SQLException("the listening connection does not answer", "08006");
        }
        lastHeard = System.nanoTime();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    listening = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
