package io.brazier.sync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.client.Change;
import io.brazier.client.ChangePage;
import io.brazier.client.HttpFhirClient;
import io.brazier.server.TestServer;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** A real Brazier read as any FHIR server is: through {@code _history?_since}, over HTTP. */
class HistoryFeedTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final HttpFhirClient http = new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(),
      Duration.ofSeconds(30));

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
}
