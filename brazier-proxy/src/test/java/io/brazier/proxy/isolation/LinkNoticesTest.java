package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.ProxyDatabase;
import io.brazier.testkit.Eventually;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A node hears every change of identity links any node commits, on a connection of its own; when that connection
 * is lost it says so (its cache is then off), drops what was kept, and listens again, dropping it once more.
 */
class LinkNoticesTest {
  private static final DataSource DATABASE = ProxyDatabase.migrated();
  private final Semaphore changed = new Semaphore(0);

  @Test
  void aNoticeSentByAnyConnectionIsHeard() throws Exception {
    try (LinkNotices notices = new LinkNotices(DATABASE, changed::release).start()) {
      awaitListening(notices);
      changed.drainPermits();

      notify(DATABASE);

      assertThat(changed.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aLostConnectionTurnsTheCacheOffDropsWhatWasKeptAndIsMadeAgain() throws Exception {
    Set<Integer> others = listeners();
    try (LinkNotices notices = new LinkNotices(DATABASE, changed::release).start()) {
      awaitListening(notices);
      Set<Integer> mine = listeners();
      mine.removeAll(others);
      assertThat(mine).hasSize(1);
      changed.drainPermits();

      terminate(mine.iterator().next());

      assertThat(changed.tryAcquire(10, TimeUnit.SECONDS)).as("what was kept dropped").isTrue();
      awaitListening(notices);
      changed.drainPermits();
      notify(DATABASE);
      assertThat(changed.tryAcquire(10, TimeUnit.SECONDS)).as("heard on the new connection").isTrue();
    }
  }

  @Test
  void closedItListensNoLonger() throws Exception {
    LinkNotices notices = new LinkNotices(DATABASE, changed::release).start();
    awaitListening(notices);

    notices.close();

    assertThat(notices.listening()).isFalse();
    changed.drainPermits();
    notify(DATABASE);
    assertThat(changed.tryAcquire(2, TimeUnit.SECONDS)).isFalse();
  }

  private static void notify(DataSource database) throws SQLException {
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("NOTIFY " + LinkNotices.CHANNEL);
    }
  }

  /** The backends listening to identity link notices now. */
  private static Set<Integer> listeners() throws SQLException {
    Set<Integer> pids = new HashSet<>();
    try (Connection connection = DATABASE.getConnection(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN "
            + LinkNotices.CHANNEL + "'")) {
      while (rows.next()) {
        pids.add(rows.getInt(1));
      }
    }
    return pids;
  }

  private static void terminate(int pid) throws SQLException {
    try (Connection connection = DATABASE.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_terminate_backend(" + pid + ")");
    }
  }

  private static void awaitListening(LinkNotices notices) throws InterruptedException {
    await(notices::listening);
  }

  private static void await(BooleanSupplier condition) {
    Eventually.until(Duration.ofSeconds(20), "the notices listening", condition);
  }
}
