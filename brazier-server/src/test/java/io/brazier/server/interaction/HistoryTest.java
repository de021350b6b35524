package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.fhir.Format;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.store.Write;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * History under a restriction (patient isolation, set here from the header {@code X-Patient}): each version is judged
 * by its own references, a page holds only the versions within, and paging goes on where the last page stopped
 * looking, so that every version within is listed once and a long run of versions outside never makes one request
 * read the whole history.
 */
class HistoryTest {
  private static TestServer server;

  private final IGenericClient client = server.client();
  private final String alice = created(new Patient().setActive(true));
  private final String bob = created(new Patient().setActive(true));

  @BeforeAll
  static void start() {
    server = TestServer.onSharedStore(ServerConfig.defaults(), List.of(new PatientHeader()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void pagesUnderARestrictionListEachVersionWithinItOnceNewestFirst() {
    Date start = lastUpdated("Patient/" + alice);
    List<String> alices = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      alices.add(0, created(observation(alice)) + "/1");
      created(observation(bob));
    }
    String moved = created(observation(alice));
    client.update().resource(observation(bob).setId(moved)).execute();
    alices.add(0, moved + "/1"); // its second version is bob's

    List<String> seenByAlice = pages(history(start, 2, alice), 2, alice);
    List<String> seenByAnyone = pages(history(start, 2, null), 2, null);

    assertThat(seenByAlice).containsExactlyElementsOf(alices);
    assertThat(seenByAnyone).hasSize(12).contains(moved + "/2").containsAll(alices);
  }

  @Test
  void aPageStopsAfterLookingAtMostLookedAtVersionsAndTheNextGoesOnFromThere() {
    String alices = created(observation(alice));
    Date start = lastUpdated("Observation/" + alices);
    storeObservationsOf(bob, History.MOST_LOOKED_AT);

    Bundle first = history(start, 10, alice);
    List<String> seen = pages(first, 10, alice);

    assertThat(first.getEntry()).as("a page that looked at versions outside only").isEmpty();
    assertThat(first.getLink(Bundle.LINK_NEXT)).isNotNull();
    assertThat(seen).containsExactly(alices + "/1");
  }

  @Test
  void atUnderARestrictionListsTheVersionsWithinItThatWereCurrentThen() throws InterruptedException {
    String kept = created(observation(alice));
    Date start = lastUpdated("Observation/" + kept);
    String moved = created(observation(alice));
    Instant before = aMomentApart();
    client.update().resource(observation(bob).setId(moved)).execute();
    Instant after = aMomentApart();

    assertThat(at(start, before, alice)).containsExactlyInAnyOrder(kept + "/1", moved + "/1");
    assertThat(at(start, after, alice)).containsExactly(kept + "/1");
    assertThat(at(start, after, bob)).containsExactly(moved + "/2");
  }

  /** The versions updated since {@code since} that were current at {@code at}, as the patient sees them. */
  private List<String> at(Date since, Instant at, String patient) {
    Bundle page = client.loadPage().byUrl(server.baseUrl() + "/Observation/_history?_since=" + since.toInstant()
        + "&_at=" + at).andReturnBundle(Bundle.class).withAdditionalHeader("X-Patient", patient).execute();
    return pages(page, 1000, patient);
  }

  /** An instant between what was written before and what is written after. */
  private static Instant aMomentApart() throws InterruptedException {
    Thread.sleep(10);
    Instant now = Instant.now();
    Thread.sleep(10);
    return now;
  }

  /** The versions of this page and of those after it, as {@code id/version}. */
  private List<String> pages(Bundle first, int count, String patient) {
    List<String> seen = new ArrayList<>();
    for (Bundle page = first; page != null; page = next(page, patient)) {
      assertThat(page.getEntry().size()).isLessThanOrEqualTo(count);
      page.getEntry().forEach(entry -> seen.add(entry.getResource().getIdElement().getIdPart() + "/"
          + entry.getResource().getMeta().getVersionId()));
    }
    return seen;
  }

  private Bundle history(Date since, int count, String patient) {
    var query = client.history().onType(Observation.class).returnBundle(Bundle.class).since(since).count(count);
    return patient == null ? query.execute() : query.withAdditionalHeader("X-Patient", patient).execute();
  }

  private Bundle next(Bundle page, String patient) {
    if (page.getLink(Bundle.LINK_NEXT) == null) {
      return null;
    }
    var query = client.loadPage().next(page);
    return patient == null ? query.execute() : query.withAdditionalHeader("X-Patient", patient).execute();
  }

  /** Many versions at once, straight into the store, indexed as the server indexes them. */
  private void storeObservationsOf(String patient, int count) {
    FhirSearch search = new FhirSearch(server.fhir());
    List<Write> writes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Observation observation = observation(patient);
      observation.setId(UUID.randomUUID().toString());
      observation.getMeta().setVersionId("1").setLastUpdated(new Date());
      byte[] json = server.fhir().encode(Format.JSON, observation, false);
      writes.add(new Write("Observation", observation.getIdPart(), 1, Instant.now(), json, search.index(json)));
    }
    server.store().commit(writes);
  }

  private Date lastUpdated(String typeAndId) {
    return client.read().resource(typeAndId.substring(0, typeAndId.indexOf('/')))
        .withId(typeAndId.substring(typeAndId.indexOf('/') + 1)).execute().getMeta().getLastUpdated();
  }

  private String created(org.hl7.fhir.r4.model.Resource resource) {
    return client.create().resource(resource).execute().getId().getIdPart();
  }

  private static Observation observation(String patient) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().setText("history");
    return observation.setSubject(new Reference("Patient/" + patient));
  }
}
