package io.brazier.sync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.client.Change;
import io.brazier.client.ChangePage;
import io.brazier.client.HttpFhirClient;
import io.brazier.server.TestServer;
import io.brazier.testkit.ClosedPort;
import io.brazier.testkit.Eventually;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The change feed of a real Brazier, over HTTP. */
class ChangeFeedTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final HttpFhirClient http = new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(), Duration.ofSeconds(30));

  @Test
  void aPageHoldsTheChangesOfTheTypesAskedForInCommitOrder() throws Exception {
    long since = server.lastChange();
    IIdType patient = client.create().resource(new Patient().setActive(true)).execute().getId();
    client.create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setCode(new CodeableConcept().setText("pulse"))
        .setSubject(new Reference(patient.toUnqualifiedVersionless()))).execute();
    client.update().resource(new Patient().setActive(false).setId(patient.toUnqualifiedVersionless())).execute();
    client.delete().resourceById(patient.toUnqualifiedVersionless()).execute();

    ChangeFeed feed = new ChangeFeed(http, 100, Duration.ZERO);
    // Commits are numbered in the background, a few milliseconds after they happen.
    Eventually.within(Duration.ofSeconds(30), () -> assertThat(feed.read(since, Set.of("Patient")).changes()).hasSize(3));

    ChangePage page = feed.read(since, Set.of("Patient"));

    assertThat(page.changes()).extracting(Change::id).containsOnly(patient.getIdPart());
    assertThat(page.changes()).extracting(Change::action)
        .containsExactly(Change.Action.CREATE, Change.Action.UPDATE, Change.Action.DELETE);
    assertThat(page.changes().get(1).version()).isEqualTo(2);
    assertThat(page.changes().get(1).resource().path("active").asBoolean()).isFalse();
    assertThat(page.changes().get(2).resource()).as("a deletion carries no resource").isNull();
    assertThat(page.changes()).extracting(Change::sequence).isSorted();
    assertThat(page.changes()).allSatisfy(change -> assertThat(change.at()).isNotNull());
    assertThat(page.next()).isEqualTo(server.lastChange());
    assertThat(page.full()).isFalse();
  }

  @Test
  void aFullPageSaysSoAndTheNextStartsAfterIt() throws Exception {
    long since = server.lastChange();
    for (int i = 0; i < 3; i++) {
      client.create().resource(new Patient()).execute();
    }
    ChangeFeed all = new ChangeFeed(http, 100, Duration.ZERO);
    Eventually.within(Duration.ofSeconds(30), () -> assertThat(all.read(since, Set.of("Patient")).changes()).hasSize(3));
    ChangeFeed feed = new ChangeFeed(http, 2, Duration.ZERO);

    ChangePage first = feed.read(since, Set.of("Patient"));
    ChangePage second = feed.read(first.next(), Set.of("Patient"));

    assertThat(first.full()).isTrue();
    assertThat(first.changes()).hasSize(2);
    assertThat(second.changes()).hasSize(1);
    assertThat(second.changes().get(0).sequence()).isGreaterThan(first.next());
  }

  @Test
  void anUnreachableServerIsAnOutageNotAnError() {
    URI closed = ClosedPort.url("/fhir");
    HttpFhirClient nowhere = new HttpFhirClient(closed, Optional.empty(), Duration.ofSeconds(2));

    assertThatThrownBy(() -> new ChangeFeed(nowhere, 10, Duration.ZERO).read(0, Set.of("Patient")))
        .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.status()).isZero())
        .hasMessageStartingWith("The FHIR server " + closed + " could not be reached");
  }
}
