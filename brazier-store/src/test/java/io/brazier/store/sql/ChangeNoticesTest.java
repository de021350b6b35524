package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.search.SearchIndex;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.TestStore;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a node hears of the changes committed by itself and by the others, through {@code Store.onChanges}: two
 * stores over the shared test database, each with its own pool, sequencer and listening connection.
 */
class ChangeNoticesTest {
  private static final Set<String> TYPES = TestStore.shared().fhir().resourceTypes();

  private final PostgresStore here = node();
  private final PostgresStore there = node();
  private final BlockingQueue<Set<String>> heard = new LinkedBlockingQueue<>();

  @AfterEach
  void stop() {
    here.close();
    there.close();
  }

  @Test
  void aNodeHearsTheTypesAnotherNodeCommittedOnceTheyAreNumbered() throws InterruptedException {
    here.onChanges(heard::add);

    there.commit(List.of(write("Patient"), write("Observation")));

    assertThat(hears(types -> types.containsAll(Set.of("Patient", "Observation")))).isTrue();
  }

  @Test
  void aNodeHearsItsOwnCommitBeforeTheCommitReturns() {
    here.onChanges(heard::add);

    here.commit(List.of(write("Basic")));

    assertThat(heard).contains(Set.of("Basic"));
  }

  @Test
  void afterItsListeningConnectionIsLostANodeHearsThatEveryTypeChanged() throws Exception {
    here.onChanges(heard::add);
    for (int wait = 0; wait < 1000 && listening() < 2; wait++) {
      Thread.sleep(20);
    }
    heard.clear();

    int terminated = terminateListeners();
    boolean toldEverything = hears(TYPES::equals);
    there.commit(List.of(write("Device")));

    assertThat(terminated).isGreaterThanOrEqualTo(2);
    assertThat(toldEverything).as("every type, on connecting again").isTrue();
    assertThat(hears(Set.of("Device")::equals)).as("what is committed after").isTrue();
  }

  @Test
  void aListenerThatFailsHearsEveryTypeASecondLater() throws InterruptedException {
    AtomicBoolean failed = new AtomicBoolean();
    here.onChanges(types -> {
      if (types.contains("Location") && failed.compareAndSet(false, true)) {
        throw new IllegalStateException("the cache could not reload");
      }
      heard.add(types);
    });

    here.commit(List.of(write("Location")));

    assertThat(failed).isTrue();
    assertThat(hears(TYPES::equals)).isTrue();
  }

  @Test
  void aListenerThatStoppedHearsNothingMoreWhileTheOthersGoOnHearing() throws InterruptedException {
    List<Set<String>> stopped = new CopyOnWriteArrayList<>();
    Runnable stop = here.onChanges(stopped::add);
    here.onChanges(heard::add);

    stop.run();
    there.commit(List.of(write("Substance")));

    assertThat(hears(Set.of("Substance")::equals)).isTrue();
    assertThat(stopped).as("at most the every-type notice of connecting, had it come before the stop")
        .allMatch(TYPES::equals);
  }

  @Test
  void aNoticeCarriesTheNewestSequenceAndTheTypesNumbered() {
    String payload = ChangeNotices.payload(42, List.of("Patient", "Observation"));

    assertThat(payload).isEqualTo("42 Patient,Observation");
    assertThat(ChangeNotices.types(payload)).containsExactlyInAnyOrder("Patient", "Observation");
    assertThat(ChangeNotices.types(ChangeNotices.payload(43, List.of()))).isEmpty();
    assertThat(ChangeNotices.types("44")).as("a notice without types").isEmpty();
  }

  private static PostgresStore node() {
    Database shared = TestStore.shared().database();
    Database own = Database.open(new DatabaseConfig(shared.pool().getJdbcUrl(), shared.pool().getUsername(),
        shared.pool().getPassword(), null, 4, Duration.ofSeconds(30)));
    return new PostgresStore(own, TYPES).startChangeSequencer();
  }

  private static Write write(String type) {
    String id = UUID.randomUUID().toString();
    byte[] json = ("{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    return new Write(type, id, 1, Instant.now(), json, SearchIndex.EMPTY);
  }

  /** Whether the node hears, within 20 s, a set of types that {@code expected} accepts. */
  private boolean hears(Predicate<Set<String>> expected) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (Set<String> types; (types = heard.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
      if (expected.test(types)) {
        return true;
      }
    }
    return false;
  }

  private static int listening() throws SQLException {
    return count("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?");
  }

  private static int terminateListeners() throws SQLException {
    return count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?");
  }

  /** A count over the listening connections of every node. */
  private static int count(String sql) throws SQLException {
    try (Connection connection = TestStore.shared().database().dataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, ChangeNotices.CONNECTION);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }
}
