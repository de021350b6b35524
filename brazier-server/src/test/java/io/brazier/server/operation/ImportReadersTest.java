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
  /** A budget of bytes that batches of a few bytes never reach. */
  private static final long ANY_BYTES = Long.MAX_VALUE;

  @Test
  void everyReaderReadsABatchAtTheSameTime() {
    int threads = 3;
    CyclicBarrier start = new CyclicBarrier(threads);
    AtomicInteger reading = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    List<String> read = new ArrayList<>();
    try (ImportReaders<String> readers = new ImportReaders<>(threads, ANY_BYTES)) {
      for (int batch = 0; batch < threads; batch++) {
        String name = "batch " + batch;
        readers.submit(() -> {
          reading.incrementAndGet();
          // Each batch waits here for the others: without a reader each, the barrier times out and the batch fails.
          start.await(WAIT_SECONDS, TimeUnit.SECONDS);
          mostAtOnce.accumulateAndGet(reading.get(), Math::max);
          reading.decrementAndGet();
          return name;
        }, 1);
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
    try (ImportReaders<String> readers = new ImportReaders<>(2, ANY_BYTES)) {
      readers.submit(() -> {
        assertThat(secondRead.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        return "first";
      }, 1);
      readers.submit(() -> {
        secondRead.countDown();
        return "second";
      }, 1);

      assertThat(readers.next()).isEqualTo("first");
      assertThat(readers.next()).isEqualTo("second");
      assertThat(readers.isEmpty()).isTrue();
    }
  }

  @Test
  void fullOnceThreeBatchesWaitBehindEveryBusyReader() {
    CountDownLatch release = new CountDownLatch(1);
    try (ImportReaders<String> readers = new ImportReaders<>(2, ANY_BYTES)) {
      for (int batch = 0; batch < 2; batch++) {
        readers.submit(() -> release.await(WAIT_SECONDS, TimeUnit.SECONDS) ? "read" : "timed out", 1);
      }
      readers.submit(() -> "waiting 1", 1);
      readers.submit(() -> "waiting 2", 1);
      assertThat(readers.full()).isFalse();

      readers.submit(() -> "waiting 3", 1);

      assertThat(readers.full()).isTrue();
      release.countDown();
      assertThat(List.of(readers.next(), readers.next(), readers.next(), readers.next(), readers.next()))
          .containsExactly("read", "read", "waiting 1", "waiting 2", "waiting 3");
    }
  }

  @Test
  void fullOnceTheBatchesInFlightHoldTheMostBytesOfLinesWhateverTheirCount() {
    try (ImportReaders<String> readers = new ImportReaders<>(2, 100)) {
      readers.submit(() -> "60 bytes", 60);
      assertThat(readers.full()).isFalse();

      readers.submit(() -> "40 bytes", 40);

      assertThat(readers.full()).as("two batches of 100 bytes").isTrue();
      assertThat(readers.next()).isEqualTo("60 bytes");
      assertThat(readers.full()).as("the 40 bytes left").isFalse();
    }
  }

  @Test
  void aBatchLargerThanTheBudgetIsReadWithNoneSubmittedAfterIt() {
    try (ImportReaders<String> readers = new ImportReaders<>(2, 100)) {
      readers.submit(() -> "one huge line", 1_000);

      assertThat(readers.full()).as("nothing more until it is taken").isTrue();
      assertThat(readers.next()).isEqualTo("one huge line");
      assertThat(readers.full()).isFalse();
    }
  }

  @Test
  void aBatchThatFailsToBeReadThrowsWhereItIsTaken() {
    try (ImportReaders<String> readers = new ImportReaders<>(2, ANY_BYTES)) {
      readers.submit(() -> {
        throw new IllegalStateException("The store is gone");
      }, 1);
      readers.submit(() -> "after", 1);

      assertThatThrownBy(readers::next).isInstanceOf(IllegalStateException.class).hasMessage("The store is gone");
      assertThat(readers.next()).isEqualTo("after");
    }
  }
}
