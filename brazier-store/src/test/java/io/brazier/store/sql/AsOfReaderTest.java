package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.store.AsOfScan;
import io.brazier.store.ResourceVersion;
import io.brazier.store.ScanCursor;
import io.brazier.store.ScanPage;
import io.brazier.store.TestStore;
import io.brazier.store.Write;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import io.brazier.store.VersionConflictException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Scans as of a change sequence, each case worked out by hand. The store is this class's own, since a scan reads a
 * whole type; each test writes types no other test here writes (Patients aside, which scans here keep to ids).
 */
class AsOfReaderTest {
  private static final int WRITERS = 4;
  private static final TestStore store = TestStore.own();
  private final PostgresStore postgres = store.store();
  private final FhirSearch search = store.search();
  private final TestStore.Tagged tagged = store.tagged();

  @AfterAll
  static void close() {
    store.close();
  }

  @Test
  void aScanServesEachResourceAtItsVersionOfThenAndLeavesOutWhatWasDeletedOrNotYetCreated() {
    String kept = store.save(procedure("kept"));
    String updated = store.save(procedure("updated, first"));
    String deleted = store.save(procedure("deleted after"));
    String goneBefore = delete("Procedure", store.save(procedure("deleted before")));
    String twice = store.save(procedure("twice, first"));
    update(twice, procedure("twice, second"));
    String back = delete("Procedure", store.save(procedure("deleted, then back")));
    long then = postgres.watermark();

    update(updated, procedure("updated, second"));
    delete("Procedure", deleted);
    String created = store.save(procedure("created after"));
    update(twice, procedure("twice, third"));
    update(back, procedure("back again"));
    List<ResourceVersion> scanned = scanAll(AsOfScan.of("Procedure", then, 2));

    assertThat(scanned).extracting(v -> v.id() + "@" + v.version())
        .containsExactlyInAnyOrder(kept + "@1", updated + "@1", deleted + "@1", twice + "@2");
    assertThat(scanned).allSatisfy(v -> assertThat(v.json())
        .isEqualTo(postgres.version("Procedure", v.id(), v.version()).orElseThrow().json()));
    assertThat(scanned).extracting(ResourceVersion::id).doesNotContain(goneBefore, created, back);
    assertThat(scanAll(AsOfScan.of("Procedure", postgres.watermark(), 3))).extracting(v -> v.id() + "@" + v.version())
        .containsExactlyInAnyOrder(kept + "@1", updated + "@2", twice + "@3", created + "@1", back + "@3");
  }

  /**
   * Writers update, delete, bring back and create Observations while a scan as of a sequence pages through them, a
   * write committing between every two pages; the scan, each resumption of it from any of its cursors, and a scan
   * with criteria all serve exactly the versions of then: none twice, none missing, none of later.
   */
  @Test
  void aScanWhileWritersChangeTheTypeServesExactlyTheVersionsOfThenAndResumesFromAnyCursor() throws Exception {
    Map<String, String> codes = new ConcurrentHashMap<>();
    List<String> ids = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 240; i++) {
      ids.add(writeObservation(UUID.randomUUID().toString(), 1, codes, i));
    }
    for (int i = 0; i < 60; i++) {
      String id = ids.get(i * 4);
      int next = postgres.current("Observation", id).orElseThrow().version() + 1;
      if (i % 3 == 0) {
        postgres.commit(List.of(Write.delete("Observation", id, next, Instant.now())));
      } else {
        writeObservation(id, next, codes, i + 1);
      }
    }
    long then = postgres.watermark();
    List<ResourceVersion> expected = postgres.current(ids.stream().map(id -> "Observation/" + id).toList())
        .values().stream().filter(v -> !v.deleted()).toList();
    AtomicInteger committed = new AtomicInteger();
    AtomicBoolean writing = new AtomicBoolean(true);
    CyclicBarrier start = new CyclicBarrier(WRITERS + 1);
    ExecutorService threads = Executors.newFixedThreadPool(WRITERS);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      Random random = new Random(w);
      writers.add(threads.submit(() -> {
        start.await();
        while (writing.get()) {
          change(random, ids, codes);
          committed.incrementAndGet();
        }
        return null;
      }));
    }

    List<ScanPage> pages = new ArrayList<>();
    List<List<ResourceVersion>> resumed = new ArrayList<>();
    List<ResourceVersion> withCriteria;
    int committedDuringScan;
    try {
      start.await();
      int before = committed.get();
      AsOfScan scan = AsOfScan.of("Observation", then, 16);
      for (ScanPage page = postgres.scan(scan, search); ; page = postgres.scan(scan.after(page.next()), search)) {
        pages.add(page);
        if (page.next() == null) {
          break;
        }
        assertThat(pages).as("a scan that chases the writers never ends").hasSizeLessThan(100);
        awaitAWrite(committed);
      }
      committedDuringScan = committed.get() - before;
      for (ScanPage page : pages.subList(0, pages.size() - 1)) {
        resumed.add(scanAll(scan.after(page.next())));
      }
      withCriteria = scanAll(new AsOfScan("Observation", then, store.parse("Observation", "code=A"), null, 7));
    } finally {
      writing.set(false);
      threads.shutdown();
    }
    for (Future<?> writer : writers) {
      writer.get();
    }

    List<ResourceVersion> scanned = pages.stream().flatMap(p -> p.versions().stream()).toList();
    assertThat(committedDuringScan).as("writes committed while the scan paged")
        .isGreaterThanOrEqualTo(pages.size() - 1);
    assertThat(ids(scanned)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(expected));
    assertThat(scanned).allSatisfy(v -> assertThat(v.json()).isEqualTo(expected.stream()
        .filter(e -> e.id().equals(v.id())).findFirst().orElseThrow().json()));
    int offset = 0;
    for (int p = 0; p < resumed.size(); p++) {
      offset += pages.get(p).versions().size();
      assertThat(ids(resumed.get(p))).as("resumed after page " + p).isEqualTo(ids(scanned.subList(offset,
          scanned.size())));
    }
    assertThat(ids(withCriteria)).containsExactlyInAnyOrderElementsOf(ids(expected.stream()
        .filter(v -> codes.get(v.id() + "@" + v.version()).equals("A")).toList()));
    Map<String, ResourceVersion> now = postgres.current(ids.stream().map(id -> "Observation/" + id).toList());
    assertThat(scanned).as("updated since, served from history").anyMatch(v -> now(now, v).version() > v.version()
        && !now(now, v).deleted());
    assertThat(scanned).as("deleted since, served from history").anyMatch(v -> now(now, v).deleted());
    assertThat(ids).as("created since").hasSizeGreaterThan(240);
  }

  private static ResourceVersion now(Map<String, ResourceVersion> current, ResourceVersion then) {
    return current.get("Observation/" + then.id());
  }

  /** One writer's change of a random Observation: an update, a deletion, its return, or a new one. */
  private void change(Random random, List<String> ids, Map<String, String> codes) {
    String id = ids.get(random.nextInt(ids.size()));
    ResourceVersion current = postgres.current("Observation", id).orElseThrow();
    int next = current.version() + 1;
    try {
      if (random.nextInt(6) == 0) {
        ids.add(writeObservation(UUID.randomUUID().toString(), 1, codes, random.nextInt(3)));
      } else if (!current.deleted() && random.nextInt(4) == 0) {
        postgres.commit(List.of(Write.delete("Observation", id, next, Instant.now())));
      } else {
        writeObservation(id, next, codes, random.nextInt(3));
      }
    } catch (VersionConflictException e) {
      // Another writer changed it first: this change is not made.
    }
  }

  /** Writes version {@code version} of Observation {@code id} with code A, B or C, remembering which. */
  private String writeObservation(String id, int version, Map<String, String> codes, int code) {
    String letter = String.valueOf((char) ('A' + code % 3));
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode(letter);
    postgres.commit(List.of(store.write(observation.setId(id), version)));
    codes.put(id + "@" + version, letter);
    return id;
  }

  /** Waits until some writer commits, so that every page of a scan is read after a write. */
  private static void awaitAWrite(AtomicInteger committed) throws InterruptedException {
    int seen = committed.get();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (committed.get() == seen && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
  }

  @Test
  void criteriaAreDecidedOnTheVersionsOfThenEvenForResourcesChangedSince() {
    String p1 = tagged.save(patient("Oldname"));
    String p2 = tagged.save(patient("Other"));
    String a = tagged.save(condition("x", p1));
    String b = tagged.save(condition("y", p1));
    String c = tagged.save(condition("x", p2));
    String e = tagged.save(condition("x", p1));
    long then = postgres.watermark();

    update(a, condition("y", p1));
    update(b, condition("x", p1));
    update(c, condition("x", p1));
    delete("Condition", e);
    String d = tagged.save(condition("x", p2));
    update(p1, patient("Newname"));
    long now = postgres.watermark();

    assertThat(conditions(then, "code=x")).containsExactlyInAnyOrder(a + "@1", c + "@1", e + "@1");
    assertThat(conditions(now, "code=x")).containsExactlyInAnyOrder(b + "@2", c + "@2", d + "@1");
    assertThat(conditions(then, "code:not=x")).containsExactlyInAnyOrder(b + "@1");
    assertThat(conditions(then, "code=x&subject=Patient/" + p1)).containsExactlyInAnyOrder(a + "@1", e + "@1");
    assertThat(ids(scanAll(new AsOfScan("Patient", then, store.parse("Patient", "name=oldname&" + tagged.scope()),
        null, 1)))).containsExactly(p1 + "@1");
    assertThat(ids(scanAll(new AsOfScan("Patient", then, store.parse("Patient", "name=newname&" + tagged.scope()),
        null, 1)))).isEmpty();
  }

  /**
   * Criteria are decided within the next {@code count} rows of the type, so that every page costs about the same:
   * a page before the last may hold no match at all, and every match still comes once.
   */
  @Test
  void aPageWithCriteriaLooksAtTheNextRowsOnlySoSomePagesHoldNoMatch() {
    String p = tagged.save(patient("Windowed"));
    List<String> saved = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      saved.add(tagged.save(condition(i == 0 || i == 9 ? "w" : "v", p)));
    }
    AsOfScan scan = new AsOfScan("Condition", postgres.watermark(),
        store.parse("Condition", "code=w&" + tagged.scope()), null, 3);

    List<Integer> sizes = new ArrayList<>();
    List<ResourceVersion> all = new ArrayList<>();
    for (ScanPage page = postgres.scan(scan, search); ; page = postgres.scan(scan.after(page.next()), search)) {
      sizes.add(page.versions().size());
      all.addAll(page.versions());
      if (page.next() == null) {
        break;
      }
    }

    assertThat(ids(all)).containsExactly(saved.get(0) + "@1", saved.get(9) + "@1");
    assertThat(sizes.subList(0, sizes.size() - 1)).contains(0);
  }

  /** How an export's several _typeFilter searches of one type are one scan: their criteria as alternatives. */
  @Test
  void alternativeSetsOfCriteriaAreDecidedOnTheVersionsOfThen() {
    String a = tagged.save(condition("x", "p1"));
    String b = tagged.save(condition("y", "p2"));
    tagged.save(condition("y", "p1"));
    long then = postgres.watermark();

    update(a, condition("y", "p1"));
    update(b, condition("y", "p1"));
    Criterion either = new Criterion.AnyOf(List.of(
        new Criterion.AllOf(store.parse("Condition", "code=x").criteria()),
        new Criterion.AllOf(store.parse("Condition", "subject=Patient/p2").criteria())));
    SearchQuery filters = store.parse("Condition", tagged.scope()).withCriterion(either);

    assertThat(ids(scanAll(new AsOfScan("Condition", then, filters, null, 1)))).containsExactlyInAnyOrder(a + "@1",
        b + "@1");
    assertThat(ids(scanAll(new AsOfScan("Condition", postgres.watermark(), filters, null, 1)))).isEmpty();
  }

  @Test
  void lastUpdatedAndMissingValuesAreThoseOfTheVersionsOfThen() throws InterruptedException {
    String changed = tagged.save(condition("x", "p"));
    String unchanged = tagged.save(condition("x", "p"));
    Thread.sleep(5);
    String between = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    Thread.sleep(5);
    long then = postgres.watermark();

    Condition withoutSubject = condition("x", "p").setSubject(null);
    update(changed, withoutSubject);
    long now = postgres.watermark();

    assertThat(conditions(then, "_lastUpdated=lt" + between)).containsExactlyInAnyOrder(changed + "@1",
        unchanged + "@1");
    assertThat(conditions(now, "_lastUpdated=lt" + between)).containsExactly(unchanged + "@1");
    assertThat(conditions(then, "subject:missing=true")).isEmpty();
    assertThat(conditions(now, "subject:missing=true")).containsExactly(changed + "@2");
  }

  @Test
  void thePatientCompartmentIsDecidedOnTheVersionsOfThenForOneOrManyPatients() {
    String p1 = store.save(patient("One"));
    String p2 = store.save(patient("Two"));
    String a = store.save(condition("x", p1));
    String b = store.save(condition("y", p2));
    String moved = store.save(condition("x", p1));
    long then = postgres.watermark();

    update(moved, condition("x", p2));
    update(b, condition("z", p1));
    String later = store.save(condition("x", p1));
    long now = postgres.watermark();

    assertThat(compartments(then, List.of(p1))).containsExactlyInAnyOrder(a + "@1", moved + "@1");
    assertThat(compartments(then, List.of(p2))).containsExactlyInAnyOrder(b + "@1");
    assertThat(compartments(then, List.of(p1, p2))).containsExactlyInAnyOrder(a + "@1", b + "@1", moved + "@1");
    assertThat(compartments(now, List.of(p1))).containsExactlyInAnyOrder(a + "@1", b + "@2", later + "@1");
    assertThat(ids(scanAll(AsOfScan.of("Patient", then, 5).inPatientCompartments(List.of(p2),
        search.compartments())))).containsExactly(p2 + "@1");
    AsOfScan codeAndCompartment = new AsOfScan("Condition", then, store.parse("Condition", "code=x"), null, 1)
        .inPatientCompartments(List.of(p1), search.compartments());
    assertThat(ids(scanAll(codeAndCompartment))).containsExactlyInAnyOrder(a + "@1", moved + "@1");
  }

  @Test
  void deletionsAreTheResourcesDeletedThenByADeletionSinceAnInstant() throws InterruptedException {
    String early = delete("Encounter", store.save(encounter()));
    Thread.sleep(2);
    Instant since = Instant.now();
    String deleted = delete("Encounter", store.save(encounter()));
    String deletedAfter = store.save(encounter());
    String cameBack = delete("Encounter", store.save(encounter()));
    String backBefore = delete("Encounter", store.save(encounter()));
    update(backBefore, encounter());
    store.save(encounter());
    long then = postgres.watermark();

    delete("Encounter", deletedAfter);
    update(cameBack, encounter());
    List<ResourceVersion> sinceThen = deletionsAll(then, since);

    assertThat(sinceThen).extracting(v -> v.id() + "@" + v.version())
        .containsExactlyInAnyOrder(deleted + "@2", cameBack + "@2");
    assertThat(sinceThen).allSatisfy(v -> assertThat(v.deleted()).isTrue());
    assertThat(deletionsAll(then, null)).extracting(ResourceVersion::id)
        .containsExactlyInAnyOrder(early, deleted, cameBack);
  }

  @Test
  void criteriaThatRelateToOtherResourcesAndSortingAreRefusedWithAReason() {
    long now = postgres.watermark();

    for (String query : List.of("subject:Patient.name=x", "_has:Encounter:diagnosis:status=finished", "_list=1")) {
      assertThatThrownBy(() -> new AsOfScan("Condition", now, store.parse("Condition", query), null, 10))
          .as(query).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be decided");
    }
    assertThatThrownBy(() -> new AsOfScan("Condition", now, store.parse("Condition", "_sort=code"), null, 10))
        .hasMessageContaining("_sort");
    assertThatThrownBy(() -> new AsOfScan("Condition", now, store.parse("Patient", "name=x"), null, 10))
        .hasMessageContaining("of its type Condition");
  }

  @Test
  void aSequenceNotReachedYetIsRefused() {
    long now = postgres.watermark();

    assertThatThrownBy(() -> postgres.scan(AsOfScan.of("Condition", now + 1000, 10), search))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has not happened");
  }

  /** What a change feed that keeps only recent changes does: the changes after an older sequence are gone. */
  @Test
  void aSequenceWhoseLaterChangesAreNoLongerKeptIsRefused() throws SQLException {
    store.save(new Device());
    long purged = postgres.watermark();
    store.save(new Device());
    long kept = postgres.watermark();
    try (Connection connection = store.database().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM change WHERE seq <= " + purged);
    }

    assertThatThrownBy(() -> postgres.scan(AsOfScan.of("Device", purged - 1, 10), search))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no longer kept");
    assertThat(postgres.scan(AsOfScan.of("Device", purged, 10), search).versions()).isNotEmpty();
    assertThat(kept).isEqualTo(purged + 1);
  }

  @Test
  void theFirstChangeAfterASequenceIsTheEarliestStampedOfTheLaterChanges() {
    long now = postgres.watermark();
    Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
    String id = store.save(new Device().setManufacturer("first"));
    Instant stamped = postgres.current("Device", id).orElseThrow().lastUpdated();

    assertThat(postgres.firstChangeAfter(postgres.watermark())).isEmpty();
    assertThat(postgres.firstChangeAfter(now)).hasValueSatisfying(at -> assertThat(at)
        .isAfterOrEqualTo(before).isBeforeOrEqualTo(stamped));
  }

  @Test
  void aCursorSurvivesItsTextForm() {
    ScanCursor cursor = new ScanCursor(Instant.parse("2024-05-01T10:00:00.123456789Z"), 42);

    assertThat(ScanCursor.decode(cursor.encode()))
        .isEqualTo(new ScanCursor(Instant.parse("2024-05-01T10:00:00.123456Z"), 42));
    assertThatThrownBy(() -> ScanCursor.decode("nonsense")).isInstanceOf(IllegalArgumentException.class);
  }

  /** The Conditions of this test that match {@code query} as of {@code sequence}. */
  private List<String> conditions(long sequence, String query) {
    SearchQuery mine = store.parse("Condition", query + "&" + tagged.scope());
    return ids(scanAll(new AsOfScan("Condition", sequence, mine, null, 1)));
  }

  private List<String> compartments(long sequence, List<String> patients) {
    return ids(scanAll(AsOfScan.of("Condition", sequence, 2).inPatientCompartments(patients, search.compartments())));
  }

  private static List<String> ids(List<ResourceVersion> versions) {
    return versions.stream().map(v -> v.id() + "@" + v.version()).toList();
  }

  /** Every page of a scan, resuming each from the text form of the last one's cursor. */
  private List<ResourceVersion> scanAll(AsOfScan scan) {
    List<ResourceVersion> all = new ArrayList<>();
    for (ScanPage page = postgres.scan(scan, search); ; page = postgres.scan(scan.after(
        ScanCursor.decode(page.next().encode())), search)) {
      assertThat(page.versions()).hasSizeLessThanOrEqualTo(scan.count());
      all.addAll(page.versions());
      if (page.next() == null) {
        return all;
      }
    }
  }

  private List<ResourceVersion> deletionsAll(long sequence, Instant since) {
    List<ResourceVersion> all = new ArrayList<>();
    ScanCursor after = null;
    do {
      ScanPage page = postgres.deletions("Encounter", sequence, since, after, 1);
      all.addAll(page.versions());
      after = page.next();
    } while (after != null);
    return all;
  }

  /** Saves the next version of a resource, tagged as this test's. */
  private void update(String id, Resource next) {
    tagged.save(next.setId(id));
  }

  private String delete(String type, String id) {
    int version = postgres.current(type, id).orElseThrow().version() + 1;
    postgres.commit(List.of(Write.delete(type, id, version, Instant.now())));
    return id;
  }

  static Procedure procedure(String note) {
    Procedure procedure = new Procedure().setStatus(Procedure.ProcedureStatus.COMPLETED);
    procedure.setCode(new CodeableConcept().setText(note));
    return procedure;
  }

  static Condition condition(String code, String patient) {
    Condition condition = new Condition().setSubject(new Reference("Patient/" + patient));
    condition.getCode().addCoding().setSystem("http://snomed.info/sct").setCode(code);
    return condition;
  }

  static Patient patient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family);
    return patient;
  }

  static Encounter encounter() {
    return new Encounter().setStatus(Encounter.EncounterStatus.FINISHED);
  }
}
