package io.brazier.server.interaction;

import static io.brazier.server.interaction.ReadTest.patient;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * The parameters of history: {@code _since} (versions written at or after an instant), {@code _before} (versions
 * written before one, as Microsoft's FHIR server and R5 take it), {@code _at} (versions current at some time in a
 * period, with prefixes), {@code _count}, and the 400 of each when it is not what the spec allows.
 * https://hl7.org/fhir/R4/http.html#history
 */
class HistoryParametersTest {
  private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");

  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final Http http = server.http();
  private IIdType id;

  @Test
  void sinceKeepsTheVersionsWrittenAtOrAfterTheInstant() throws Exception {
    List<Instant> written = threeVersions();

    assertThat(versions("_since=" + millis(written.get(1)))).containsExactly("3", "2");
    assertThat(versions("_since=" + millis(written.get(2)))).containsExactly("3");
    assertThat(versions("_since=" + millis(written.get(2).plusMillis(1)))).isEmpty();
  }

  @Test
  void sinceReadsATimeZoneAndADateAsItsStart() throws Exception {
    List<Instant> written = threeVersions();
    String inPlusTwo = MILLIS.withZone(ZoneOffset.ofHours(2)).format(written.get(1));

    assertThat(versions("_since=" + inPlusTwo.replace("+", "%2B"))).containsExactly("3", "2");
    assertThat(versions("_since=" + year(written.get(0)))).containsExactly("3", "2", "1");
    assertThat(versions("_since=" + (year(written.get(2)) + 1))).isEmpty();
  }

  @Test
  void beforeKeepsTheVersionsWrittenBeforeTheInstantAndCombinesWithSince() throws Exception {
    List<Instant> written = threeVersions();

    assertThat(versions("_before=" + millis(written.get(2)))).containsExactly("2", "1");
    assertThat(versions("_before=" + millis(written.get(2).plusMillis(1)))).containsExactly("3", "2", "1");
    assertThat(versions("_before=" + millis(written.get(0)))).isEmpty();
    assertThat(versions("_since=" + millis(written.get(1)) + "&_before=" + millis(written.get(2))))
        .containsExactly("2");
  }

  @Test
  void atKeepsTheVersionsCurrentAtThatTime() throws Exception {
    List<Instant> written = threeVersions();
    Instant whileFirst = between(written.get(0), written.get(1));
    Instant whileSecond = between(written.get(1), written.get(2));

    assertThat(versions("_at=" + millis(whileFirst))).containsExactly("1");
    assertThat(versions("_at=" + millis(whileSecond))).containsExactly("2");
    assertThat(versions("_at=" + year(written.get(2)))).containsExactly("3", "2", "1");
  }

  @Test
  void atPrefixesOpenThePeriodAndRepeatedValuesNarrowIt() throws Exception {
    List<Instant> written = threeVersions();
    Instant whileFirst = between(written.get(0), written.get(1));
    Instant whileSecond = between(written.get(1), written.get(2));

    assertThat(versions("_at=ge" + millis(whileSecond))).containsExactly("3", "2");
    assertThat(versions("_at=gt" + millis(whileFirst))).containsExactly("3", "2", "1");
    assertThat(versions("_at=lt" + millis(whileSecond))).containsExactly("2", "1");
    assertThat(versions("_at=le" + millis(whileFirst))).containsExactly("1");
    assertThat(versions("_at=ge" + millis(whileFirst) + "&_at=le" + millis(whileSecond)))
        .containsExactly("2", "1");
    assertThat(versions("_at=gt" + millis(whileSecond) + "&_at=lt" + millis(whileFirst))).isEmpty();
  }

  @Test
  void countSetsTheSizeOfAPage() throws Exception {
    threeVersions();

    Bundle page = http.get("/fhir/Patient/" + id.getIdPart() + "/_history?_count=2").resource(Bundle.class);

    assertThat(page.getEntry()).hasSize(2);
    assertThat(page.getLink(Bundle.LINK_NEXT).getUrl()).contains("_count=2");
  }

  @Test
  void aValueThatIsNotADateIsABadRequest() {
    String path = "/fhir/Patient/" + client.create().resource(patient("Bad")).execute().getId().getIdPart()
        + "/_history?";

    for (String query : List.of("_since=yesterday", "_since=2024-13-01", "_since=2024-05-01T25:00:00Z",
        "_at=tomorrow", "_at=2024-02-30", "_before=yesterday", "_before=2024-13-01")) {
      assertThat(http.refused(400, "GET", path + query, (byte[]) null).getIssueFirstRep().getDiagnostics())
          .as(query).contains(query.substring(0, query.indexOf('=')));
    }
  }

  @Test
  void aPrefixHistoryDoesNotSupportIsABadRequest() {
    for (String query : List.of("_at=ne2024", "_at=ap2024")) {
      assertThat(http.refused(400, "GET", "/fhir/Patient/_history?" + query, (byte[]) null)
          .getIssueFirstRep().getDiagnostics()).as(query).contains(query.substring(4, 6));
    }
  }

  @Test
  void aCountThatIsNotAPositiveWholeNumberIsABadRequest() {
    for (String count : List.of("0", "-1", "ten", "2.5")) {
      assertThat(http.refused(400, "GET", "/fhir/_history?_count=" + count, (byte[]) null)
          .getIssueFirstRep().getDiagnostics()).contains("_count");
    }
  }

  @Test
  void anUnknownParameterIsABadRequestUnderStrictHandlingAndIgnoredOtherwise() throws Exception {
    threeVersions();
    String path = "/fhir/Patient/" + id.getIdPart() + "/_history?_count=1&_pretty=true&_bogus=1";

    OperationOutcome refused = http.refused(400, "GET", path, (byte[]) null, "Prefer", "handling=strict");

    assertThat(refused.getIssueFirstRep().getDiagnostics()).contains("_bogus");
    assertThat(http.get(path).status()).isEqualTo(200);
    assertThat(http.get(path, "Prefer", "handling=lenient").status()).isEqualTo(200);
    assertThat(http.get("/fhir/Patient/" + id.getIdPart() + "/_history?_count=1&_since=2020-01-01&_before=2999-01-01"
        + "&_at=ge2020&_elements=name&_summary=false&_format=json", "Prefer", "handling=strict").status())
        .as("what history and every answer take").isEqualTo(200);
  }

  @Test
  void aCursorTheServerDidNotGiveOutIsABadRequest() {
    assertThat(http.refused(400, "GET", "/fhir/Patient/_history?_cursor=not-a-position", (byte[]) null)
        .getIssueFirstRep().getDiagnostics()).contains("_cursor");
  }

  /** Writes a patient's versions 1, 2 and 3 some milliseconds apart; when each was written, to the millisecond. */
  private List<Instant> threeVersions() throws InterruptedException {
    id = client.create().resource(patient("Versioned")).execute().getId().toVersionless();
    for (String family : List.of("Second", "Third")) {
      Thread.sleep(10); // so that a millisecond lies strictly between two versions' times
      Patient next = patient(family);
      next.setId(id);
      client.update().resource(next).execute();
    }
    Bundle history = client.history().onInstance(id).returnBundle(Bundle.class).execute();
    List<Instant> written = new ArrayList<>();
    history.getEntry().forEach(entry -> written.add(0, entry.getResource().getMeta().getLastUpdated().toInstant()));
    return written;
  }

  /** The version ids of the patient's history with these parameters, newest first. */
  private List<String> versions(String query) {
    Http.Response response = http.get("/fhir/Patient/" + id.getIdPart() + "/_history?" + query);
    assertThat(response.status()).as(query + ": " + response.body()).isEqualTo(200);
    return response.resource(Bundle.class).getEntry().stream()
        .map(entry -> entry.getResource().getMeta().getVersionId()).toList();
  }

  /** An instant to the millisecond: the span of that millisecond, as FHIR reads a time's precision. */
  private static String millis(Instant instant) {
    return MILLIS.withZone(ZoneOffset.UTC).format(instant);
  }

  /**
   * The year (UTC) of an instant written: the year of the clock read after the writes may be the next one, at New
   * Year, when the versions are not of it.
   */
  private static int year(Instant instant) {
    return instant.atZone(ZoneOffset.UTC).getYear();
  }

  /** A millisecond strictly between two versions' times, each shown to the millisecond. */
  private static Instant between(Instant earlier, Instant later) {
    return earlier.plusMillis((later.toEpochMilli() - earlier.toEpochMilli()) / 2);
  }
}
