package io.brazier.sync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.client.Change;
import io.brazier.client.ChangePage;
import io.brazier.client.HttpFhirClient;
import io.brazier.server.TestServer;
import io.brazier.testkit.ScriptedFhirServer;
import io.brazier.testkit.ScriptedFhirServer.Answer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real Brazier read as any FHIR server is, through {@code _history?_since} over HTTP; and servers of other makes,
 * scripted: several writes in one millisecond, deletions without their resource, HAPI's paging links, failures.
 */
class HistoryFeedTest {
  private static final ScriptedFhirServer other = new ScriptedFhirServer("/r4");
  private static final Instant NOW = Instant.parse("2026-12-05T23:00:00.123Z");
  /** The position a reader of the scripted server resumes from: {@code NOW}, so it reads from 5 s before. */
  private static final long SINCE = NOW.toEpochMilli() * 1000;
  private static final String FIRST_PAGE = "_history?_since=" + NOW.minusMillis(HistoryFeed.OVERLAP_MILLIS)
      + "&_count=50";

  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final HttpFhirClient http = new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(),
      Duration.ofSeconds(30));
  /** A server of another make, as {@link ScriptedFhirServer} plays it. */
  private final HistoryFeed scripted = new HistoryFeed(new HttpFhirClient(URI.create(other.baseUrl()),
      Optional.empty(), Duration.ofSeconds(10)), 50);

  @AfterAll
  static void stopTheOtherServer() {
    other.close();
  }

  @BeforeEach
  void forget() {
    other.reset();
  }

  @Test
  void aReaderWithoutAPositionStartsFromNowAfterABackfill() {
    HistoryFeed feed = new HistoryFeed(http, 100);
    long before = System.currentTimeMillis() * 1000;

    assertThatThrownBy(() -> feed.read(0, Set.of("Patient"))).isInstanceOfSatisfying(FeedGone.class, gone ->
        assertThat(gone.latest()).isBetween(before, System.currentTimeMillis() * 1000));
  }

  @Test
  void changesComeOldestFirstOfTheTypesAskedForAndNeverTwice() throws Exception {
    HistoryFeed feed = new HistoryFeed(http, 2); // pages of two: the poll follows the next links
    long since = System.currentTimeMillis() * 1000;
    IIdType patient = client.create().resource(new Patient().setActive(true)).execute().getId();
    client.create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setCode(new CodeableConcept().setText("pulse"))
        .setSubject(new Reference(patient.toUnqualifiedVersionless()))).execute();
    client.update().resource(new Patient().setActive(false).setId(patient.toUnqualifiedVersionless())).execute();
    client.delete().resourceById(patient.toUnqualifiedVersionless()).execute();

    ChangePage page = feed.read(since, Set.of("Patient"));

    assertThat(page.changes()).filteredOn(change -> change.id().equals(patient.getIdPart()))
        .extracting(Change::action).containsExactly(Change.Action.CREATE, Change.Action.UPDATE, Change.Action.DELETE);
    assertThat(page.changes()).extracting(Change::type).containsOnly("Patient");
    assertThat(page.changes()).extracting(Change::sequence).isSorted().doesNotHaveDuplicates();
    Change update = page.changes().stream().filter(change -> change.version() != null && change.version() == 2)
        .findFirst().orElseThrow();
    assertThat(update.resource().path("active").asBoolean()).isFalse();
    assertThat(page.next()).isEqualTo(page.changes().get(page.changes().size() - 1).sequence());

    ChangePage again = feed.read(page.next(), Set.of("Patient"));

    assertThat(again.changes()).as("read again from %s ms before, and dropped", HistoryFeed.OVERLAP_MILLIS).isEmpty();
    assertThat(again.next()).isEqualTo(page.next());
  }

  @Test
  void writesOfOneMillisecondComeOldestFirstEachAtItsOwnPosition() throws Exception {
    other.script(FIRST_PAGE, history(
        entry("PUT", "Patient", "p1", 2, NOW.plusMillis(1)),
        entry("POST", "Patient", "p2", 1, NOW.plusMillis(1)),
        entry("POST", "Patient", "p1", 1, NOW.plusMillis(1))));

    ChangePage page = scripted.read(SINCE, Set.of("Patient"));

    assertThat(page.changes()).extracting(change -> change.id() + "/" + change.version())
        .containsExactly("p1/1", "p2/1", "p1/2");
    assertThat(page.changes()).extracting(Change::sequence).isSorted().doesNotHaveDuplicates()
        .allMatch(sequence -> sequence / 1000 == NOW.plusMillis(1).toEpochMilli());
    assertThat(page.next()).isEqualTo(page.changes().get(2).sequence());
  }

  @Test
  void aDeletionWithoutItsResourceIsReadFromItsRequestUrlAndEtag() throws Exception {
    other.script(FIRST_PAGE, history("""
        {"request":{"method":"DELETE","url":"Observation/o1/_history/4"},
         "response":{"status":"204","etag":"W/\\"4\\"","lastModified":"%s"}}""".formatted(NOW.plusMillis(7))));

    ChangePage page = scripted.read(SINCE, Set.of("Observation"));

    assertThat(page.changes()).singleElement().satisfies(change -> {
      assertThat(change.reference()).isEqualTo("Observation/o1");
      assertThat(change.action()).isEqualTo(Change.Action.DELETE);
      assertThat(change.version()).isEqualTo(4);
      assertThat(change.resource()).isNull();
    });
  }

  @Test
  void hapisPagingLinksAreFollowedBelowTheBaseWhateverHostTheyName() throws Exception {
    other.script(FIRST_PAGE, linkedHistory("http://hapi.internal:8080/r4?_getpages=abc&_getpagesoffset=1",
        entry("PUT", "Patient", "p1", 3, NOW.plusMillis(2))));
    other.script("?_getpages=abc&_getpagesoffset=1", history(entry("PUT", "Patient", "p2", 5, NOW.plusMillis(1))));

    ChangePage page = scripted.read(SINCE, Set.of("Patient"));

    assertThat(page.changes()).extracting(Change::id).containsExactly("p2", "p1");
    assertThat(other.asked()).hasSize(2).last().isEqualTo("/r4/?_getpages=abc&_getpagesoffset=1");
  }

  @Test
  void changesReadAgainInTheOverlapAreHandedOutOnceAndLateOnesStillAre() throws Exception {
    String early = entry("PUT", "Patient", "p1", 2, NOW.plusMillis(10));
    other.script(FIRST_PAGE, history(early));
    ChangePage first = scripted.read(SINCE, Set.of("Patient"));
    String secondPage = "_history?_since=" + Instant.ofEpochMilli(first.next() / 1000 - HistoryFeed.OVERLAP_MILLIS)
        + "&_count=50";
    // A write committed late: its time is before the newest change read already.
    other.script(secondPage, history(early, entry("PUT", "Patient", "p9", 1, NOW.plusMillis(5))));

    ChangePage second = scripted.read(first.next(), Set.of("Patient"));

    assertThat(first.changes()).extracting(Change::id).containsExactly("p1");
    assertThat(second.changes()).extracting(Change::id).containsExactly("p9");
  }

  @Test
  void aServerThatFailsIsASourceExceptionWithItsStatusAndReason() {
    other.script(FIRST_PAGE, new Answer(503, Map.of(), """
        {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"transient",
         "diagnostics":"Database is busy"}]}"""));

    assertThatThrownBy(() -> scripted.read(SINCE, Set.of("Patient")))
        .isInstanceOfSatisfying(SourceException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
        })
        .hasMessageContaining("Database is busy");
  }

  private static Answer history(String... entries) {
    return linkedHistory(null, entries);
  }

  /** A history page linking to {@code next} (none when null). */
  private static Answer linkedHistory(String next, String... entries) {
    String link = next == null ? "" : ",\"link\":[{\"relation\":\"next\",\"url\":\"" + next + "\"}]";
    return Answer.ok("{\"resourceType\":\"Bundle\",\"type\":\"history\"" + link + ",\"entry\":["
        + String.join(",", entries) + "]}");
  }

  private static String entry(String method, String type, String id, int version, Instant lastUpdated) {
    return """
        {"resource":{"resourceType":"%s","id":"%s","meta":{"versionId":"%d","lastUpdated":"%s"}},
         "request":{"method":"%s","url":"%s/%s"},"response":{"status":"200"}}"""
        .formatted(type, id, version, lastUpdated, method, type, id);
  }
}
