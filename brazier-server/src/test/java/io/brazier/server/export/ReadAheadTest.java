package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.store.AsOfScan;
import io.brazier.store.ResourceVersion;
import io.brazier.store.ScanPage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reading an export's scans ahead, several at once, on the repository's Synthea sample: the writer gets exactly what
 * reading the scans one page after the other gets, even with writes committing between the pages; the scans are
 * read at the same time, later ones as far as the budget allows whatever the writer is on; a failed read reaches
 * the writer at its scan; what is read ahead is bounded by the budget, yet never stops the writer's own scan, and
 * closing stops the reading.
 */
class ReadAheadTest {
  private static final List<String> TYPES = List.of("Patient", "Observation", "Encounter", "Condition", "Procedure");
  private static final int PAGE = 7;
  private static TestServer server;
  private static FhirSearch search;

  @BeforeAll
  static void load() {
    server = TestServer.start(ServerConfig.defaults());
    search = new FhirSearch(server.fhir());
    Sample.load(server, "");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theWriterGetsEachScanInOrderAsReadingItPageByPageWould() {
    List<AsOfScan> scans = scans(server.store().watermark());
    List<List<String>> oneByOne = scans.stream().map(ReadAheadTest::readInTurn).toList();

    try (ReadAhead ahead = new ReadAhead(scans, ReadAheadTest::page, 2, 1, 1, "test")) {
      assertThat(taken(ahead, scans.size())).isEqualTo(oneByOne);
    }
    assertThat(oneByOne.get(1)).hasSizeGreaterThan(10 * PAGE);
  }

  @Test
  void scansReadAtOnceWhileWritesCommitHoldTheDataAsOfTheirSequence() {
    long sequence = server.store().watermark();
    List<AsOfScan> scans = scans(sequence);
    List<List<String>> before = scans.stream().map(ReadAheadTest::readInTurn).toList();
    List<String> observations = before.get(1).stream().map(line -> line.split(" ")[0]).toList();
    CyclicBarrier bothReading = new CyclicBarrier(2);
    AtomicInteger writes = new AtomicInteger();
    Function<AsOfScan, ScanPage> writing = scan -> {
      if (scan.after() == null && (scan.type().equals("Patient") || scan.type().equals("Observation"))) {
        awaitOther(scan, bothReading);
      }
      change(observations.get(writes.getAndIncrement() % observations.size()), writes.get() % 2 == 0);
      return page(scan);
    };

    try (ReadAhead ahead = new ReadAhead(scans, writing, 2, 1, 1, "test")) {
      assertThat(taken(ahead, scans.size())).isEqualTo(before);
    }
    assertThat(writes.get()).isGreaterThan(scans.size());
    assertThat(readInTurn(scans(server.store().watermark()).get(1))).isNotEqualTo(before.get(1));
  }

  @Test
  void aFailedReadIsThrownWhereTheWriterTakesItsScan() {
    List<AsOfScan> scans = scans(server.store().watermark());
    IllegalStateException failure = new IllegalStateException("the database went away");
    Function<AsOfScan, ScanPage> failing = scan -> {
      if (scan.type().equals("Encounter") && scan.after() != null) {
        throw failure;
      }
      return page(scan);
    };

    try (ReadAhead ahead = new ReadAhead(scans, failing, 2, 1, 1 << 20, "test")) {
      assertThat(taken(ahead, 3)).isEqualTo(scans.subList(0, 3).stream().map(ReadAheadTest::readInTurn).toList());
      assertThat(ahead.next(3).versions()).hasSize(PAGE);
      assertThatThrownBy(() -> ahead.next(3)).isSameAs(failure);
    }
  }

  @Test
  void aLaterScanIsReadToItsEndWhileTheWriterHasTakenNothing() {
    List<AsOfScan> scans = scans(server.store().watermark());
    List<List<String>> oneByOne = scans.stream().map(ReadAheadTest::readInTurn).toList();
    CyclicBarrier procedureRead = new CyclicBarrier(2);
    Function<AsOfScan, ScanPage> meeting = scan -> {
      ScanPage page = page(scan);
      if (scan.type().equals("Procedure") && page.next() == null) {
        awaitOther(scan, procedureRead); // the last scan's last page, read before the writer takes the first's
      }
      return page;
    };

    try (ReadAhead ahead = new ReadAhead(scans, meeting, 2, 1, Long.MAX_VALUE, "test")) {
      awaitOther(scans.get(0), procedureRead);
      assertThat(taken(ahead, scans.size())).isEqualTo(oneByOne);
    }
  }

  @Test
  void theBudgetBoundsWhatIsReadAheadAndClosingStopsTheReading() {
    long sequence = server.store().watermark();
    List<AsOfScan> scans = Stream.of("Observation", "Procedure", "Encounter", "Condition")
        .map(type -> AsOfScan.of(type, sequence, PAGE)).toList();
    long budget = 3 * ReadAhead.bytes(page(scans.get(0)));
    AtomicLong readBytes = new AtomicLong();
    AtomicLong largest = new AtomicLong();
    Function<AsOfScan, ScanPage> counting = scan -> {
      ScanPage page = page(scan);
      readBytes.addAndGet(ReadAhead.bytes(page));
      largest.accumulateAndGet(ReadAhead.bytes(page), Math::max);
      return page;
    };
    int readers = 2;
    int ahead = 1;

    ReadAhead reading = new ReadAhead(scans, counting, readers, ahead, budget, "read-ahead-test-closing");
    awaitAtLeast(readBytes::get, budget);
    long filled = settled(readBytes);
    // Queued while under the budget (the last one past it), the writer's scan's own page, and one in hand each.
    assertThat(filled).isLessThanOrEqualTo(budget + (1 + ahead + readers) * largest.get());
    reading.next(0);
    reading.next(0);
    awaitAtLeast(readBytes::get, filled + 1); // taking made room
    reading.close();
    long afterClose = readBytes.get();

    LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    assertThat(readBytes.get()).isEqualTo(afterClose);
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().startsWith("read-ahead-test-closing"));
  }

  @Test
  void laterScansFillingTheBudgetNeverStopTheScanTheWriterIsOn() {
    long sequence = server.store().watermark();
    List<AsOfScan> scans = Stream.of("Observation", "Encounter", "Procedure")
        .map(type -> AsOfScan.of(type, sequence, PAGE)).toList();
    List<List<String>> oneByOne = scans.stream().map(ReadAheadTest::readInTurn).toList();
    AtomicInteger encounterReads = new AtomicInteger();
    Function<AsOfScan, ScanPage> observationsLast = scan -> {
      if (scan.type().equals("Encounter")) {
        encounterReads.incrementAndGet();
      } else if (scan.type().equals("Observation") && scan.after() == null) {
        // The Observations are read once an Encounter page is queued, which alone fills a budget of one byte.
        awaitAtLeast(encounterReads::get, 2);
      }
      return page(scan);
    };

    try (ReadAhead ahead = new ReadAhead(scans, observationsLast, 2, 1, 1, "test")) {
      assertThat(assertTimeoutPreemptively(Duration.ofSeconds(30), () -> taken(ahead, scans.size())))
          .isEqualTo(oneByOne);
    }
    assertThat(oneByOne.get(0)).hasSizeGreaterThan(2 * PAGE);
    assertThat(oneByOne.get(1)).hasSizeGreaterThan(2 * PAGE);
  }

  private static List<AsOfScan> scans(long sequence) {
    List<AsOfScan> scans = new ArrayList<>();
    TYPES.forEach(type -> scans.add(AsOfScan.of(type, sequence, PAGE)));
    scans.add(2, null); // a step that reads nothing
    return scans;
  }

  private static ScanPage page(AsOfScan scan) {
    return server.store().scan(scan, search);
  }

  /** A scan read one page after the other, in this thread: each version as "id version". */
  private static List<String> readInTurn(AsOfScan scan) {
    List<String> lines = new ArrayList<>();
    for (AsOfScan next = scan; next != null; ) {
      ScanPage page = page(next);
      page.versions().forEach(version -> lines.add(line(version)));
      next = page.next() == null ? null : next.after(page.next());
    }
    return lines;
  }

  /** Every page of the first {@code count} scans, as the writer takes them. */
  private static List<List<String>> taken(ReadAhead ahead, int count) {
    List<List<String>> scans = new ArrayList<>();
    for (int index = 0; index < count; index++) {
      List<String> lines = new ArrayList<>();
      if (ahead.scan(index) != null) {
        ScanPage page;
        do {
          page = ahead.next(index);
          page.versions().forEach(version -> lines.add(line(version)));
        } while (page.next() != null);
      }
      scans.add(lines);
    }
    return scans;
  }

  private static String line(ResourceVersion version) {
    return version.id() + " " + version.version() + " " + new String(version.json()).length();
  }

  /** Updates an Observation, or deletes it. */
  private static void change(String id, boolean delete) {
    if (delete) {
      server.http().send("DELETE", "/fhir/Observation/" + id, null);
      return;
    }
    Observation current = server.client().read().resource(Observation.class).withId(id).execute();
    server.client().update().resource(current.setStatus(Observation.ObservationStatus.AMENDED)).execute();
  }

  /** What {@code counter} counts once it has not grown for a while (the reading stopped), within a deadline. */
  private static long settled(AtomicLong counter) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long seen = -1;
    while (counter.get() != seen && System.nanoTime() < deadline) {
      seen = counter.get();
      LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
    }
    return seen;
  }

  private static void awaitAtLeast(LongSupplier counter, long least) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (counter.getAsLong() < least) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Only " + counter.getAsLong() + ", not " + least);
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }

  private static void awaitOther(AsOfScan scan, CyclicBarrier barrier) {
    try {
      barrier.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
      throw new AssertionError(scan.type() + " was read alone: the scans were not read at once", e);
    }
  }
}
