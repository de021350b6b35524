package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.search.SearchIndex;
import io.brazier.testkit.Parallel;
import io.brazier.store.TestStore;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The sequencer numbers committed changes in the order they became visible, one sequencer at a time across nodes: a
 * reader that resumes after the last number it saw never skips a change that committed late.
 */
class ChangeSequencerTest {
  private final TestStore store = TestStore.shared();
  private final DataSource dataSource = store.database().dataSource();
  private final TypeKeys types = new TypeKeys(dataSource, store.fhir().resourceTypes());
  private final ChangeSequencer sequencer = new ChangeSequencer(dataSource, types);

  @Test
  void aChangeWhoseRowCameFirstButCommittedLastIsNumberedAfterTheOthers() throws SQLException {
    sequencer.number();
    Connection late = dataSource.getConnection();
    late.setAutoCommit(false);
    insertChange(late, "late-1");
    store.store().commit(List.of(write("early-1")));

    int firstPass = sequencer.number();
    late.commit();
    late.close();
    int secondPass = sequencer.number();

    assertThat(firstPass).as("the uncommitted row is left for later").isEqualTo(1);
    assertThat(secondPass).isEqualTo(1);
    assertThat(rowId("late-1")).as("its row was inserted first").isLessThan(rowId("early-1"));
    assertThat(sequence("late-1")).isGreaterThan(sequence("early-1"));
  }

  @Test
  void aChangeOfATypeAnotherNodeRegisteredSinceThisOneStartedIsNumberedToo() throws SQLException {
    sequencer.number();
    String type = "Theta" + System.nanoTime();
    TypeKeys there = new TypeKeys(dataSource, List.of("Patient", type));
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO change (type, res_id, version, action, at) VALUES (?, ?, 1, 'C', now())")) {
      insert.setShort(1, there.key(type));
      insert.setString(2, type);
      insert.executeUpdate();
    }

    int numbered = sequencer.number();

    assertThat(numbered).isEqualTo(1);
    assertThat(sequence(type)).isNotNull();
  }

  @Test
  void aPassWithNothingCommittedSinceNumbersNothingAndChangesNoNumber() throws SQLException {
    store.store().commit(List.of(write("once-1")));
    sequencer.number();
    long numbered = sequence("once-1");

    int again = sequencer.number();

    assertThat(again).isZero();
    assertThat(sequence("once-1")).isEqualTo(numbered);
  }

  @Test
  void numbersFollowOnFromTheHighestGivenWithoutGapsInTheOrderOfTheRows() throws SQLException {
    sequencer.number();
    long before = highest();
    store.store().commit(List.of(write("batch-1"), write("batch-2"), write("batch-3")));

    int numbered = sequencer.number();

    assertThat(numbered).isEqualTo(3);
    List<String> byRow = List.of("batch-1", "batch-2", "batch-3").stream()
        .sorted(Comparator.comparingLong(this::rowIdUnchecked)).toList();
    List<Long> sequences = new ArrayList<>();
    for (String id : byRow) {
      sequences.add(sequence(id));
    }
    assertThat(sequences).containsExactly(before + 1, before + 2, before + 3);
  }

  @Test
  void twoNodesNumberingWhileWritersCommitNeverGiveANumberTwiceAndKeepEachWritersOrder() throws Exception {
    ChangeSequencer otherNode = new ChangeSequencer(dataSource, new TypeKeys(dataSource, store.fhir().resourceTypes()));
    int writers = 6;
    int steps = 25;

    // Threads 0 and 1 are two nodes' sequencers; the others write one change per step, each after the last.
    Parallel.Run<Integer> run = Parallel.run(writers + 2, steps, (thread, step) -> {
      if (thread < 2) {
        return (thread == 0 ? sequencer : otherNode).number();
      }
      store.store().commit(List.of(write("writer-" + thread + "-" + step)));
      return 0;
    });
    sequencer.number();

    assertThat(run.mostAtOnce()).as("steps at once").isGreaterThan(2);
    assertThat(duplicateSequences()).isZero();
    for (int thread = 2; thread < writers + 2; thread++) {
      List<Long> sequences = new ArrayList<>();
      for (int step = 0; step < steps; step++) {
        sequences.add(sequence("writer-" + thread + "-" + step));
      }
      assertThat(sequences).as("writer %d's changes, numbered", thread).doesNotContainNull().isSorted()
          .doesNotHaveDuplicates();
    }
  }

  @Test
  void aStartedSequencerNumbersACommitOnItsOwnAndStopsWhenClosed() throws Exception {
    ChangeSequencer background = new ChangeSequencer(dataSource, types);
    Set<Thread> before = sequencerThreads();
    background.start();
    Set<Thread> started = sequencerThreads();
    started.removeAll(before);
    store.store().commit(List.of(write("background-1")));
    background.wake();

    Long numbered = awaitSequence("background-1");
    background.close();

    assertThat(numbered).isNotNull();
    assertThat(started).hasSize(1).noneMatch(Thread::isAlive);
  }

  @Test
  void aNumberingIsAnnouncedToListenersWithItsLastSequenceAndTheTypesItNumbered() throws SQLException {
    sequencer.number();
    try (Connection listener = dataSource.getConnection(); Statement statement = listener.createStatement()) {
      statement.execute("LISTEN " + ChangeNotices.CHANNEL);
      try {
        store.store().commit(List.of(write("announced-1")));

        sequencer.number();
        PGNotification[] notices = listener.unwrap(PGConnection.class).getNotifications(30_000);

        assertThat(notices).extracting(PGNotification::getParameter)
            .containsExactly(sequence("announced-1") + " Patient");
      } finally {
        statement.execute("UNLISTEN *");
      }
    }
  }

  private static Set<Thread> sequencerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().equals("brazier-change-sequencer")).collect(Collectors.toSet());
  }

  @Test
  void aStoreNumbersTheCommittedChangesBeforeItTellsTheWatermark() throws SQLException {
    store.store().commit(List.of(write("watermark-1")));

    long watermark = store.store().watermark();

    assertThat(sequence("watermark-1")).isNotNull().isLessThanOrEqualTo(watermark);
    assertThat(unnumbered()).isZero();
  }

  private Long awaitSequence(String id) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      Long sequence = sequence(id);
      if (sequence != null) {
        return sequence;
      }
      Thread.sleep(20);
    }
    return null;
  }

  private void insertChange(Connection connection, String id) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO change (type, res_id, version, action, at) VALUES (?, ?, 1, 'C', now())")) {
      insert.setShort(1, types.key("Patient"));
      insert.setString(2, id);
      insert.executeUpdate();
    }
  }

  private Long sequence(String id) throws SQLException {
    return single("SELECT seq FROM change WHERE res_id = ?", id);
  }

  private long rowId(String id) throws SQLException {
    return single("SELECT id FROM change WHERE res_id = ?", id);
  }

  private long rowIdUnchecked(String id) {
    try {
      return rowId(id);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private long highest() throws SQLException {
    return single("SELECT coalesce(max(seq), 0) FROM change", null);
  }

  private long duplicateSequences() throws SQLException {
    return single("SELECT count(*) - count(DISTINCT seq) FROM change WHERE seq IS NOT NULL", null);
  }

  private long unnumbered() throws SQLException {
    return single("SELECT count(*) FROM change WHERE seq IS NULL", null);
  }

  private Long single(String sql, String arg) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      if (arg != null) {
        statement.setString(1, arg);
      }
      try (ResultSet row = statement.executeQuery()) {
        return row.next() ? (Long) row.getObject(1) : null;
      }
    }
  }

  private static Write write(String id) {
    String json = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}";
    return new Write("Patient", id, 1, Instant.now(), json.getBytes(StandardCharsets.UTF_8), SearchIndex.EMPTY);
  }
}
