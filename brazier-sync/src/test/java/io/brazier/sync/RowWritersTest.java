package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.sync.map.Table;
import io.brazier.sync.source.SourceException;
import io.brazier.sync.target.RowChange;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RowWritersTest {

  @Test
  void rowsOfAPageAreWrittenByTheWorkersAtOnce() throws Exception {
    List<RowChange> page = List.of(synced("1"), synced("2"), synced("3"), synced("4"));
    CyclicBarrier allFour = new CyclicBarrier(4);
    Set<String> threads = ConcurrentHashMap.newKeySet();

    try (RowWriters writers = new RowWriters(4)) {
      boolean written = writers.writeAll(page, change -> {
        threads.add(Thread.currentThread().getName());
        await(allFour); // passes only if the four rows are being written at the same time
      }, () -> true);

      assertThat(written).isTrue();
    }
    assertThat(threads).hasSize(4).allMatch(name -> name.startsWith("sync-write-back-"));
  }

  @Test
  void rowsTheTargetInsertedAreWrittenFirstInOrderByTheCaller() throws Exception {
    List<RowChange> page = List.of(synced("1"), inserted(), synced("2"), inserted());
    List<RowChange> order = Collections.synchronizedList(new ArrayList<>());
    List<String> threads = Collections.synchronizedList(new ArrayList<>());

    try (RowWriters writers = new RowWriters(2)) {
      writers.writeAll(page, change -> {
        order.add(change);
        threads.add(Thread.currentThread().getName());
      }, () -> true);
    }

    assertThat(order.subList(0, 2)).containsExactly(page.get(1), page.get(3));
    assertThat(order.subList(2, 4)).containsExactlyInAnyOrder(page.get(0), page.get(2));
    assertThat(threads.subList(0, 2)).containsOnly(Thread.currentThread().getName());
  }

  @Test
  void anOutageIsThrownOnceEveryOtherRowIsThrough() throws Exception {
    List<RowChange> page = List.of(synced("1"), synced("2"), synced("3"));
    AtomicInteger written = new AtomicInteger();

    try (RowWriters writers = new RowWriters(3)) {
      assertThatThrownBy(() -> writers.writeAll(page, change -> {
        if (change.fhirId().equals("2")) {
          throw new SourceException(503, "FHIR is unavailable");
        }
        written.incrementAndGet();
      }, () -> true)).isInstanceOf(SourceException.class).hasMessageContaining("unavailable");
    }

    assertThat(written).hasValue(2);
  }

  @Test
  void aDatabaseOutageIsThrownAsItIs() {
    try (RowWriters writers = new RowWriters(2)) {
      assertThatThrownBy(() -> writers.writeAll(List.of(synced("1")), change -> {
        throw new SQLException("connection refused", "08001");
      }, () -> true)).isInstanceOf(SQLException.class).hasMessage("connection refused");
    }
  }

  @Test
  void aStoppingAgentTakesNoMoreRows() throws Exception {
    AtomicInteger written = new AtomicInteger();

    try (RowWriters writers = new RowWriters(2)) {
      boolean done = writers.writeAll(List.of(inserted(), inserted()), change -> written.incrementAndGet(),
          () -> written.get() == 0);

      assertThat(done).isFalse();
    }
    assertThat(written).hasValue(1);
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the rows were not written at the same time", e);
    }
  }

  /** A change to a row synced from {@code Patient/<id>}. */
  private static RowChange synced(String id) {
    ObjectNode row = JsonNodeFactory.instance.objectNode().put(Table.FHIR_ID, id).put(Table.FHIR_VERSION, 1);
    return new RowChange("contact", UUID.randomUUID(), 1, row, row.deepCopy().put("mobilephone", "555-0100"),
        Instant.now(), 0);
  }

  /** A row the target inserted. */
  private static RowChange inserted() {
    return new RowChange("contact", UUID.randomUUID(), 1, null,
        JsonNodeFactory.instance.objectNode().put("lastname", "New"), Instant.now(), 0);
  }

}
