package io.brazier.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node learns what every node commits. The change sequencer, on whichever node numbers them, sends a notice
 * ({@code NOTIFY}, delivered only once the numbering commits) with the newest sequence and the types numbered; each
 * node listens on one connection of its own, outside the pool, and tells its listeners (what the node keeps in
 * memory) and wakes the readers of the feed that wait for those types. Notices sent while that connection is down
 * are lost, so each time it (re)connects every listener hears that every type changed.
 */
final class ChangeNotices implements AutoCloseable {
  static final String CHANNEL = "brazier_changes";
  /** The listening connection's application_name, as pg_stat_activity shows it. */
  static final String CONNECTION = "brazier-change-notices";
  private static final Logger log = LoggerFactory.getLogger(ChangeNotices.class);
  private static final int POLL_MILLIS = 1_000;
  private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Database database;
  private final Set<String> allTypes;
  private final List<Consumer<Set<String>>> listeners = new CopyOnWriteArrayList<>();
  private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
  private volatile boolean resetDue;
  private volatile boolean closed;
  private volatile Thread thread;

  ChangeNotices(Database database, Collection<String> allTypes) {
    this.database = database;
    this.allTypes = Set.copyOf(allTypes);
  }

  /** The payload of a notice: the newest sequence numbered, then the types numbered, comma separated. */
  static String payload(long last, Collection<String> types) {
    return last + " " + String.join(",", types);
  }

  /**
   * Sends the notice of changes of {@code types} in the connection's transaction: PostgreSQL delivers it to every
   * listening node when that transaction commits, and to none if it rolls back. {@code last} is the newest sequence
   * numbered, or 0 for a change the feed does not hold (a search parameter's status).
   */
  static void announce(Connection connection, long last, Collection<String> types) throws SQLException {
    try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
      notify.setString(1, CHANNEL);
      notify.setString(2, payload(last, types));
      notify.execute();
    }
  }

  static Set<String> types(String payload) {
    int space = payload.indexOf(' ');
    return space < 0 || space == payload.length() - 1 ? Set.of()
        : Set.of(payload.substring(space + 1).split(","));
  }

  /** Adds a listener; returns what removes it. */
  Runnable listen(Consumer<Set<String>> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Tells the listeners of changes of {@code types}; one that throws is told of every type a second later. */
  void changed(Set<String> types) {
    for (Consumer<Set<String>> listener : listeners) {
      try {
        listener.accept(types);
      } catch (RuntimeException e) {
        log.warn("A listener of committed changes failed; it hears of every type again in 1 s: {}", e.toString());
        resetDue = true;
      }
    }
  }

  /**
   * A reader's wait for changes of {@code types} (empty: any): registered before the reader reads, so that a notice
   * that comes between its read and its wait still wakes it.
   */
  Waiter waiter(Set<String> types) {
    Waiter waiter = new Waiter(types);
    waiters.add(waiter);
    return waiter;
  }

  final class Waiter implements AutoCloseable {
    private final Set<String> types;
    private final CountDownLatch woken = new CountDownLatch(1);

    private Waiter(Set<String> types) {
      this.types = types;
    }

    /** Waits until a change of this waiter's types is numbered, or {@code nanos} have passed. */
    void await(long nanos) throws InterruptedException {
      woken.await(nanos, TimeUnit.NANOSECONDS);
    }

    private void wake(Set<String> changed) {
      if (changed == allTypes || types.isEmpty() || !Collections.disjoint(types, changed)) {
        woken.countDown();
      }
    }

    @Override
    public void close() {
      waiters.remove(this);
    }
  }

  /** Starts listening, on a thread and a connection of its own. */
  void start() {
    Thread listening = new Thread(this::run, "brazier-change-notices");
    listening.setDaemon(true);
    thread = listening;
    listening.start();
  }

  private void run() {
    boolean lost = false;
    while (!closed) {
      try (Connection connection = database.connect(10, CONNECTION)) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + CHANNEL);
        }
        if (lost) {
          log.info("Listening to change notices again; every cache reloads what it keeps");
        }
        lost = false;
        everything();
        receive(connection);
      } catch (SQLException e) {
        if (!closed && !lost) {
          log.warn("Change notices connection lost, reconnecting every second: {}", e.getMessage());
        }
        lost = true;
        LockSupport.parkNanos(RETRY_NANOS);
      }
    }
  }

  /** Hands on the notices as they come, checking an idle connection every ten seconds, until it fails. */
  private void receive(Connection connection) throws SQLException {
    PGConnection notices = connection.unwrap(PGConnection.class);
    long lastHeard = System.nanoTime();
    while (!closed) {
      PGNotification[] received = notices.getNotifications(POLL_MILLIS);
      if (received != null && received.length > 0) {
        lastHeard = System.nanoTime();
        for (PGNotification notice : received) {
          deliver(types(notice.getParameter()));
        }
      } else if (System.nanoTime() - lastHeard > CHECK_NANOS) {
        if (!connection.isValid(5)) {
          throw new SQLException("the listening connection does not answer", "08006");
        }
        lastHeard = System.nanoTime();
      }
      if (resetDue) {
        everything();
      }
    }
  }

  /** What a lost notice may have said: every type changed. */
  private void everything() {
    resetDue = false;
    deliver(allTypes);
  }

  private void deliver(Set<String> types) {
    waiters.forEach(waiter -> waiter.wake(types));
    changed(types);
  }

  @Override
  public void close() {
    closed = true;
    Thread listening = thread;
    if (listening != null) {
      try {
        listening.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
