package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ImportReadersTest {
  private static final long WAIT_SECONDS = 30;

  @Test
  void everyReaderReadsABatchAtTheSameTime() {
    int threads = 3;
    CyclicBarrier start = new CyclicBarrier(threads);
    AtomicInteger reading = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    List<String> read = new ArrayList<>();
    try (ImportReaders<String> readers = new ImportReaders<>(threads)) {
      for (int batch = 0; batch < threads; batch++) {
        String name = "batch " + batch;
        readers.submit(() -> {
          reading.incrementAndGet();
          // Each batch waits here for the others: without a reader each, the barrier times out and the batch fails.
          start.await(WAIT_SECONDS, TimeUnit.SECONDS);
          mostAtOnce.accumulateAndGet(reading.get(), Math::max);
          reading.decrementAndGet();
          return name;
        });
      }
      while (!readers.isEmpty()) {
        read.add(readers.next());
      }
    }

    assertThat(mostAtOnce.get()).as("batches read at once").isEqualTo(threads);
    assertThat(read).containsExactly("batch 0", "batch 1", "batch 2");
  }

  @Test
  void batchesComeOutInTheOrderTheyWentInWhicheverIsReadFirst() {
    CountDownLatch secondRead = new CountDownLatch(1);
    try (ImportReaders<String> readers = new ImportReaders<>(2)) {
      readers.submit(() -> {
        assertThat(secondRead.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        return "first";
      });
      readers.submit(() -> {
        secondRead.countDown();
        return "second";
      });

      assertThat(readers.next()).isEqualTo("first");
      assertThat(readers.next()).isEqualTo("second");
      assertThat(readers.isEmpty()).isTrue();
    }
  }

  @Test
  void fullOnceThreeBatchesWaitBehindEveryBusyReader() {
    CountDownLatch release = new CountDownLatch(1);
    try (ImportReaders<String> readers = new ImportReaders<>(2)) {
      for (int batch = 0; batch < 2; batch++) {
        readers.submit(() -> release.await(WAIT_SECONDS, TimeUnit.SECONDS) ? "read" : "timed out");
      }
      readers.submit(() -> "waiting 1");
      readers.submit(() -> "waiting 2");
      assertThat(readers.full()).isFalse();

      readers.submit(() -> "waiting 3");

      assertThat(readers.full()).isTrue();
      release.countDown();
      assertThat(List.of(readers.next(), readers.next(), readers.next(), readers.next(), readers.next()))
          .containsExactly("read", "read", "waiting 1", "waiting 2", "waiting 3");
    }
  }

  @Test
  void aBatchThatFailsToBeReadThrowsWhereItIsTaken() {
    try (ImportReaders<String> readers = new ImportReaders<>(2)) {
      readers.submit(() -> {
        throw new IllegalStateException("The store is gone");
      });
      readers.submit(() -> "after");

      assertThatThrownBy(readers::next).isInstanceOf(IllegalStateException.class).hasMessage("The store is gone");
      assertThat(readers.next()).isEqualTo("after");
    }
  }
}
