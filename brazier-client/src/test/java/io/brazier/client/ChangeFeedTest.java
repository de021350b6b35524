package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pages as Brazier's {@code $changes} writes them (the server's own tests and the readers' in brazier-events and
 * brazier-sync read the real feed; this module cannot start a server).
 */
class ChangeFeedTest {
  private final List<String> asked = new ArrayList<>();

  private FhirClient answering(int status, String body) {
    return call -> {
      asked.add(call.method() + " " + call.path());
      return new FhirReply(status, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    };
  }

  private static String page() throws IOException {
    try (InputStream in = ChangeFeedTest.class.getResourceAsStream("changes-page.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ChangeQuery query(Set<String> types) {
    return new ChangeQuery(40, types, 3, Duration.ZERO, true);
  }

  @Test
  void eachEntryIsAChangeWithItsSequenceVersionActionSourceTimeAndResource() throws Exception {
    ChangePage page = new ChangeFeed(answering(200, page())).read(query(Set.of()));

    assertThat(page.changes()).extracting(Change::sequence, Change::reference, Change::version, Change::action,
        Change::source).containsExactly(
            tuple(41L, "Patient/p1", 1, Change.Action.CREATE, "urn:brazier:sync"),
            tuple(42L, "Observation/o1", 3, Change.Action.UPDATE, null),
            tuple(43L, "Patient/p1", null, Change.Action.DELETE, null));
    assertThat(page.changes().get(0).resource().path("active").asBoolean()).isTrue();
    assertThat(page.changes().get(1).resource()).as("not carried").isNull();
    assertThat(page.changes().get(0).lastModified()).as("as written").isEqualTo("2026-12-05T05:00:00.120+00:00");
    assertThat(page.changes().get(0).at()).isEqualTo(Instant.parse("2026-12-05T05:00:00.120Z"));
    assertThat(page.next()).as("the next link's since").isEqualTo(57);
    assertThat(page.full()).isTrue();
  }

  @Test
  void aPutThatCreatedIsACreate() throws Exception {
    String createdByPut = page().replace("{\"method\": \"POST\", \"url\": \"Patient\"}",
        "{\"method\": \"PUT\", \"url\": \"Patient/p1\"}");

    ChangePage page = new ChangeFeed(answering(200, createdByPut)).read(query(Set.of()));

    assertThat(page.changes()).extracting(Change::action)
        .containsExactly(Change.Action.CREATE, Change.Action.UPDATE, Change.Action.DELETE);
  }

  @Test
  void changesOfTypesNotAskedForAreDroppedAndTheNextPageStartsPastThem() throws Exception {
    String withoutNext = page().replace("\"relation\": \"next\"", "\"relation\": \"previous\"");

    ChangePage page = new ChangeFeed(answering(200, withoutNext)).read(query(Set.of("Observation")));

    assertThat(page.changes()).extracting(Change::reference).containsExactly("Observation/o1");
    assertThat(page.next()).as("without a next link: the last entry").isEqualTo(43);
  }

  @Test
  void theQueryIsSentAsTheFeedsParameters() throws Exception {
    FhirClient server = answering(200, "{\"resourceType\":\"Bundle\",\"type\":\"history\"}");

    ChangePage empty = new ChangeFeed(server).read(new ChangeQuery(7, Set.of("Patient", "Observation"), 100,
        Duration.ofSeconds(30), true));
    new ChangeFeed(server).read(new ChangeQuery(7, Set.of(), 100, Duration.ZERO, false));
    new ChangeFeed(server).read(new ChangeQuery(7, Set.of(), 100, Duration.ZERO, true, Set.of("subject", "code")));
    new ChangeFeed(server).read(new ChangeQuery(7, Set.of(), 100, Duration.ZERO, false, Set.of("subject")));

    assertThat(asked).containsExactly(
        "GET $changes?since=7&_count=100&resources=true&_wait=30&_type=Observation%2CPatient",
        "GET $changes?since=7&_count=100",
        "GET $changes?since=7&_count=100&resources=true&_elements=code%2Csubject",
        "GET $changes?since=7&_count=100");
    assertThat(empty.changes()).isEmpty();
    assertThat(empty.next()).as("caught up: where it was").isEqualTo(7);
    assertThat(empty.full()).isFalse();
  }

  @Test
  void aRefusalCarriesItsStatusAndWhatTheServerSaid() {
    FhirClient gone = answering(410, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
        + "\"code\":\"deleted\",\"diagnostics\":\"Re-sync: read every resource again, then follow"
        + " $changes?since=9.\"}]}");

    assertThatThrownBy(() -> new ChangeFeed(gone).read(query(Set.of())))
        .isInstanceOfSatisfying(ChangeFeedException.class, e -> {
          assertThat(e.status()).isEqualTo(410);
          assertThat(e.diagnostics()).isEqualTo("Re-sync: read every resource again, then follow $changes?since=9.");
        })
        .hasMessageStartingWith("GET $changes?since=40&_count=3&resources=true answered 410: Re-sync");
  }

  @Test
  void anUnreachableServerIsStatusZero() {
    FhirClient unreachable = new FhirClient() {
      @Override
      public FhirReply send(FhirCall call) throws IOException {
        throw new ConnectException("Connection refused");
      }

      @Override
      public String name() {
        return "http://127.0.0.1:9/fhir";
      }
    };

    assertThatThrownBy(() -> new ChangeFeed(unreachable).read(query(Set.of())))
        .isInstanceOfSatisfying(ChangeFeedException.class, e -> assertThat(e.status()).isZero())
        .hasMessage("The FHIR server http://127.0.0.1:9/fhir could not be reached: Connection refused");
  }

  @Test
  void whatIsNotAPageOfTheFeedIsRefusedWithWhy() throws Exception {
    String page = page();
    String noSequence = page.replace("change-sequence\", \"valueDecimal\": 42", "other\", \"valueDecimal\": 42");
    String noAction = page.replace("\"method\": \"PUT\"", "\"method\": \"GET\"");

    assertThatThrownBy(() -> new ChangeFeed(answering(200, "<html>")).read(query(Set.of())))
        .isInstanceOf(ChangeFeedException.class).hasMessageContaining("answered what is not JSON");
    assertThatThrownBy(() -> new ChangeFeed(answering(200, noSequence)).read(query(Set.of())))
        .isInstanceOf(ChangeFeedException.class).hasMessageContaining("has no sequence");
    assertThatThrownBy(() -> new ChangeFeed(answering(200, noAction)).read(query(Set.of())))
        .isInstanceOf(ChangeFeedException.class).hasMessageContaining("no action for method 'GET'");
  }

  @Test
  void aNextLinkWhoseSinceNoSequenceCanHoldIsRefusedWithWhy() throws Exception {
    String page = page().replace("since=57", "since=99999999999999999999");

    assertThatThrownBy(() -> new ChangeFeed(answering(200, page)).read(query(Set.of())))
        .isInstanceOf(ChangeFeedException.class).hasMessageContaining("99999999999999999999");
  }

  @Test
  void aNextLinkBehindTheChangesReadDoesNotTakeTheReaderBack() throws Exception {
    String page = page().replace("since=57", "since=2");

    ChangePage read = new ChangeFeed(answering(200, page)).read(query(Set.of()));

    assertThat(read.next()).as("past the last change of the page").isEqualTo(43);
  }

  @Test
  void anEmptyPageStaysWhereItWasAndIsNotFull() throws Exception {
    String empty = "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":[]}";

    ChangePage read = new ChangeFeed(answering(200, empty)).read(query(Set.of()));

    assertThat(read.changes()).isEmpty();
    assertThat(read.next()).isEqualTo(40);
    assertThat(read.full()).isFalse();
  }

  @Test
  void aQueryListsItsTypesAndElementsInOrderSoTheSameQueryIsTheSameUrl() {
    ChangeQuery query = new ChangeQuery(7, Set.of("Patient", "Observation"), 50, Duration.ofMillis(1500), true,
        Set.of("subject", "code"));
    ChangeQuery withoutResources = new ChangeQuery(7, Set.of(), 50, Duration.ZERO, false, Set.of("code"));

    assertThat(query.path()).isEqualTo("$changes?since=7&_count=50&resources=true&_wait=1"
        + "&_type=Observation%2CPatient&_elements=code%2Csubject");
    assertThat(withoutResources.path()).as("elements cut resources, so only with them")
        .isEqualTo("$changes?since=7&_count=50");
  }
}
