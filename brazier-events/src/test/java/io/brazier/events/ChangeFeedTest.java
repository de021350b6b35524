package io.brazier.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.client.FhirReply;
import io.brazier.server.TestServer;
import io.brazier.testkit.ClosedPort;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class ChangeFeedTest {
  private final TestServer server = Publishers.server();
  private final IGenericClient client = server.client();
  private final ChangeFeed inProcess = ChangeFeed.inProcess(server.api(), server.baseUrl());
  /** The root elements these tests look at in what was written; the publisher asks for those of its messages. */
  private static final Set<String> ELEMENTS = Set.of("active", "subject");

  /** The page once it holds {@code writes} writes: the sequencer numbers a commit some milliseconds after it. */
  private static ChangeFeed.Page read(ChangeFeed feed, long since, int count, int writes,
      java.util.function.Predicate<String> types) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    ChangeFeed.Page page = feed.read(since, count, Duration.ZERO, types, ELEMENTS);
    while (page.writes().size() < writes && System.nanoTime() < deadline) {
      page = feed.read(since, count, Duration.ofSeconds(1), types, ELEMENTS);
    }
    return page;
  }

  @Test
  void eachWriteComesWithItsVersionTimeAndResourceInCommitOrder() {
    long since = server.lastChange();
    IIdType patient = client.create().resource(new Patient().setActive(true)).execute().getId();
    client.update().resource(new Patient().setActive(false).setId(patient.toVersionless())).execute();

    ChangeFeed.Page page = read(inProcess, since, 100, 2, type -> true);

    assertThat(page.writes()).extracting(w -> w.action() + " " + w.reference() + " " + w.version())
        .containsExactly("CREATED Patient/" + patient.getIdPart() + " 1", "UPDATED Patient/" + patient.getIdPart()
            + " 2");
    assertThat(page.writes()).extracting(Written::sequence).isSorted();
    assertThat(page.writes().get(1).resource().get("active").asBoolean()).isFalse();
    assertThat(page.writes().get(1).lastUpdated()).startsWith("20");
    assertThat(page.next()).isEqualTo(page.writes().get(1).sequence());
    assertThat(page.full()).isFalse();
  }

  @Test
  void ofEachResourceOnlyTheElementsAskedForAndItsMetaAreKept() {
    long since = server.lastChange();
    Patient written = new Patient().setActive(true);
    written.addName().setFamily("Lovelace");
    written.getMeta().setSource("urn:test:registry");
    client.create().resource(written).execute();

    Written write = read(inProcess, since, 100, 1, type -> true).writes().get(0);

    assertThat(write.resource().has("active")).isTrue();
    assertThat(write.resource().has("name")).as("not asked for").isFalse();
    assertThat(write.source()).isEqualTo("urn:test:registry");
    assertThat(write.lastUpdated()).isEqualTo(write.resource().path("meta").path("lastUpdated").asText());
  }

  @Test
  void aDeletionCarriesItsVersionAndTheLastVersionBeforeIt() {
    IIdType patient = client.create().resource(new Patient()).execute().getId();
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference("Patient/" + patient.getIdPart()));
    observation.getCode().setText("weight");
    IIdType created = client.create().resource(observation).execute().getId();
    long since = server.lastChange();
    client.delete().resourceById(created.toVersionless()).execute();

    Written deletion = read(inProcess, since, 100, 1, type -> true).writes().get(0);

    assertThat(deletion.action()).isEqualTo(Written.Action.DELETED);
    assertThat(deletion.version()).isEqualTo("2");
    assertThat(deletion.resource().path("subject").path("reference").asText())
        .isEqualTo("Patient/" + patient.getIdPart());
  }

  /** An update that brings a deleted resource back answers 201 Created: its event is Created, as from its answer. */
  @Test
  void aResourceBroughtBackAfterItsDeletionIsCreatedAgain() {
    String id = "back-" + System.nanoTime();
    client.update().resource(new Patient().setActive(true).setId(id)).execute();
    client.delete().resourceById("Patient", id).execute();
    long since = server.lastChange();
    client.update().resource(new Patient().setActive(true).setId(id)).execute();

    Written back = read(inProcess, since, 100, 1, type -> true).writes().get(0);

    assertThat(back.action() + " " + back.reference() + " " + back.version())
        .isEqualTo("CREATED Patient/" + id + " 3");
  }

  @Test
  void writesOfOtherTypesAreSkippedAndTheNextPageStartsPastThem() {
    long since = server.lastChange();
    client.create().resource(new Organization().setName("Skipped")).execute();
    IIdType patient = client.create().resource(new Patient()).execute().getId();
    client.create().resource(new Organization().setName("Skipped too")).execute();

    read(inProcess, since, 100, 3, type -> true);
    ChangeFeed.Page page = inProcess.read(since, 100, Duration.ZERO, type -> type.equals("Patient"), ELEMENTS);

    assertThat(page.writes()).extracting(Written::reference).containsExactly("Patient/" + patient.getIdPart());
    assertThat(page.next()).as("past the last Organization").isEqualTo(server.lastChange());
  }

  @Test
  void overHttpTheFeedReadsTheSameWrites() {
    long since = server.lastChange();
    client.create().resource(new Patient()).execute();
    client.create().resource(new Organization().setName("Acme")).execute();

    ChangeFeed.Page local = read(inProcess, since, 100, 2, type -> true);
    ChangeFeed.Page remote = ChangeFeed.overHttp(URI.create(server.baseUrl())).read(since, 100, Duration.ZERO,
        type -> true, ELEMENTS);

    assertThat(remote.writes()).usingRecursiveFieldByFieldElementComparator().isEqualTo(local.writes());
    assertThat(remote.next()).isEqualTo(local.next());
  }

  @Test
  void aPageAsLargeAsAskedSaysMoreMayWait() {
    long since = server.lastChange();
    client.create().resource(new Patient()).execute();
    client.create().resource(new Patient()).execute();

    assertThat(read(inProcess, since, 2, 2, type -> true).full()).isTrue();
  }

  @Test
  void aServerThatRefusesIsAFeedFailureThatSaysWhy() {
    ChangeFeed failing = new ChangeFeed(call -> new FhirReply(503, Map.of(), ("{\"resourceType\":\"OperationOutcome\","
        + "\"issue\":[{\"severity\":\"error\",\"code\":\"transient\",\"diagnostics\":\"The database is unavailable\"}]}")
        .getBytes(StandardCharsets.UTF_8)));
    ChangeFeed unreachable = ChangeFeed.overHttp(ClosedPort.url("/fhir"));

    assertThatThrownBy(() -> failing.read(0, 10, Duration.ZERO, type -> true, ELEMENTS)).isInstanceOf(FeedFailure.class)
        .hasMessageContaining("503").hasMessageContaining("The database is unavailable");
    assertThatThrownBy(() -> unreachable.read(0, 10, Duration.ZERO, type -> true, ELEMENTS))
        .isInstanceOf(FeedFailure.class);
  }
}
