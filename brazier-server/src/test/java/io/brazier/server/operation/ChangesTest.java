package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import io.brazier.server.Caller;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.Http;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangesTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final Http http = server.http();

  @Test
  void theFeedListsEachWriteOldestFirstWithItsSequence() {
    long start = server.lastChange();
    IIdType id = client.create().resource(patient("Fed")).execute().getId().toVersionless();
    Patient update = patient("Fed2");
    update.setId(id.getIdPart());
    client.update().resource(update).execute();
    client.delete().resourceById(id).execute();

    List<BundleEntryComponent> feed = follow(start, 3, "");

    assertThat(feed).extracting(e -> e.getRequest().getMethod(), e -> e.getRequest().getUrl(),
            e -> e.getResponse().getEtag(), BundleEntryComponent::getFullUrl)
        .containsExactly(
            tuple(HTTPVerb.POST, "Patient", "W/\"1\"", server.baseUrl() + "/Patient/" + id.getIdPart()),
            tuple(HTTPVerb.PUT, "Patient/" + id.getIdPart(), "W/\"2\"", server.baseUrl() + "/Patient/" + id.getIdPart()),
            tuple(HTTPVerb.DELETE, "Patient/" + id.getIdPart(), null, server.baseUrl() + "/Patient/" + id.getIdPart()));
    assertThat(feed).allSatisfy(entry -> {
      assertThat(entry.hasResource()).isFalse();
      assertThat(entry.getResponse().getLastModified()).isNotNull();
    });
    assertThat(feed).extracting(ChangesTest::sequence).isSorted().doesNotHaveDuplicates()
        .allSatisfy(sequence -> assertThat(sequence).isGreaterThan(start));
  }

  @Test
  void aCreateByUpdateIsAPutThatCreatedInTheFeedAsInHistory() {
    long start = server.lastChange();
    Patient chosen = patient("FedByPut");
    chosen.setId("fed-by-put-" + System.nanoTime());
    client.update().resource(chosen).execute();

    List<BundleEntryComponent> feed = follow(start, 1, "");

    assertThat(feed).extracting(e -> e.getRequest().getMethod(), e -> e.getRequest().getUrl(),
            e -> e.getResponse().getStatus(), e -> e.getResponse().getEtag())
        .containsExactly(tuple(HTTPVerb.PUT, "Patient/" + chosen.getIdPart(), "201 Created", "W/\"1\""));
  }

  /**
   * An update that brings a deleted resource back answers 201 Created (R4), and history names it a creation: so does
   * the feed, whichever request wrote it.
   */
  @Test
  void anUpdateOverADeletionCreatesItsResourceAgainInTheFeedAsInHistory() {
    String run = "back-" + System.nanoTime();
    List<String> ids = List.of(run + "-put", run + "-transaction", run + "-batch", run + "-conditional");
    for (String id : ids) {
      client.update().resource(patient(id).setId(id)).execute();
      client.delete().resourceById("Patient", id).execute();
    }
    long start = server.lastChange();
    client.update().resource(patient(ids.get(0)).setId(ids.get(0))).execute();
    for (Bundle.BundleType type : List.of(Bundle.BundleType.TRANSACTION, Bundle.BundleType.BATCH)) {
      String id = ids.get(type == Bundle.BundleType.TRANSACTION ? 1 : 2);
      Bundle bundle = new Bundle().setType(type);
      bundle.addEntry().setResource(patient(id).setId(id)).getRequest().setMethod(HTTPVerb.PUT)
          .setUrl("Patient/" + id);
      client.transaction().withBundle(bundle).execute();
    }
    client.update().resource(patient(ids.get(3)).setId(ids.get(3)))
        .conditionalByUrl("Patient?family=" + ids.get(3)).execute();

    List<BundleEntryComponent> feed = follow(start, ids.size(), "&_type=Patient");

    assertThat(feed).extracting(e -> e.getRequest().getMethod(), e -> e.getRequest().getUrl(),
            e -> e.getResponse().getStatus(), e -> e.getResponse().getEtag())
        .containsExactlyElementsOf(ids.stream()
            .map(id -> tuple(HTTPVerb.PUT, "Patient/" + id, "201 Created", "W/\"3\"")).toList());
    assertThat(ids).allSatisfy(id -> assertThat(client.history().onInstance("Patient/" + id)
        .returnBundle(Bundle.class).execute().getEntryFirstRep().getResponse().getStatus()).isEqualTo("201 Created"));
  }

  @Test
  void aPatchIsAnUpdateInTheFeed() {
    IIdType id = client.create().resource(patient("FedByPatch")).execute().getId().toVersionless();
    long start = server.lastChange();
    client.patch().withBody("[{\"op\": \"replace\", \"path\": \"/name/0/family\", \"value\": \"Patched\"}]")
        .withId(id).execute();

    List<BundleEntryComponent> feed = follow(start, 1, "");

    assertThat(feed).extracting(e -> e.getRequest().getMethod(), e -> e.getRequest().getUrl(),
            e -> e.getResponse().getStatus(), e -> e.getResponse().getEtag())
        .containsExactly(tuple(HTTPVerb.PUT, "Patient/" + id.getIdPart(), "200 OK", "W/\"2\""));
  }

  @Test
  void theNextLinkResumesAfterTheLastSequenceAndStaysWhenCaughtUp() {
    long start = server.lastChange();
    for (int i = 0; i < 3; i++) {
      client.create().resource(patient("Next" + i)).execute();
    }
    server.lastChange(); // numbers them

    Bundle first = page("$changes?since=" + start + "&_count=2");
    Bundle second = client.loadPage().next(first).execute();
    Bundle caughtUp = client.loadPage().next(second).execute();

    assertThat(first.getEntry()).hasSize(2);
    assertThat(second.getEntry()).hasSize(1);
    assertThat(sequence(second.getEntry().get(0))).isGreaterThan(sequence(first.getEntry().get(1)));
    assertThat(caughtUp.getEntry()).isEmpty();
    assertThat(caughtUp.getLink(Bundle.LINK_NEXT).getUrl()).contains("since=" + sequence(second.getEntry().get(0)));
  }

  @Test
  void badValuesAreBadRequestsThatSayWhatToFix() {
    for (String query : List.of("since=-1", "since=latest", "since=1.5", "_count=0", "_count=lots",
        "_type=Patient,Nonsense", "_type=patient", "_wait=61", "_wait=-1", "_wait=soon", "resources=yes")) {
      http.refused(400, "GET", "/fhir/$changes?" + query, new byte[0]);
    }
  }

  @Test
  void theFeedIsReadOnly() {
    assertThatThrownBy(() -> client.operation().onServer().named("$changes").withNoParameters(Parameters.class)
        .execute())
        .isInstanceOf(MethodNotAllowedException.class);
  }

  @Test
  void aTypeFilterListsOnlyThoseTypesAndItsNextLinkMovesPastTheOthers() {
    long start = server.lastChange();
    client.create().resource(patient("Typed")).execute();
    String basic = client.create().resource(basic()).execute().getId().getIdPart();
    client.create().resource(patient("Typed2")).execute();
    long end = server.lastChange();

    Bundle page = page("$changes?since=" + start + "&_type=Basic,Device");

    assertThat(page.getEntry()).extracting(BundleEntryComponent::getFullUrl)
        .containsExactly(server.baseUrl() + "/Basic/" + basic);
    assertThat(page.getLink(Bundle.LINK_NEXT).getUrl()).contains("since=" + end).contains("_type=Basic");
  }

  @Test
  void withResourcesEachEntryCarriesTheVersionItWrote() {
    long start = server.lastChange();
    IIdType id = client.create().resource(patient("Before")).execute().getId().toVersionless();
    client.update().resource(patient("After").setId(id.getIdPart())).execute();
    client.delete().resourceById(id).execute();
    server.lastChange();

    Bundle page = page("$changes?since=" + start + "&resources=true");

    assertThat(page.getEntry()).extracting(e -> e.getResource() == null ? null
            : ((Patient) e.getResource()).getNameFirstRep().getFamily())
        .containsExactly("Before", "After", null);
    assertThat(page.getEntry().get(1).getResource().getMeta().getVersionId()).isEqualTo("2");
  }

  @Test
  void withElementsEachVersionKeepsOnlyThoseOverHttpAndInProcessAlike() throws Exception {
    long start = server.lastChange();
    IIdType patient = client.create().resource(patient("Cut").addIdentifier(new Identifier().setValue("e-1")))
        .execute().getId().toVersionless();
    Observation observation = new Observation().setStatus(ObservationStatus.FINAL)
        .setCode(new CodeableConcept().setText("weight")).setSubject(new Reference(patient.toUnqualifiedVersionless().getValue()))
        .addNote(new Annotation().setText("not asked for"));
    client.create().resource(observation).execute();
    server.lastChange();
    String query = "$changes?since=" + start + "&resources=true&_elements=identifier,subject";

    Bundle page = client.loadPage().byUrl(server.baseUrl() + "/" + query).andReturnBundle(Bundle.class)
        .encodedJson().execute();
    byte[] inProcess = server.api().client(Caller.system("urn:brazier:test"), server.baseUrl()).get(query).body();

    Patient cutPatient = (Patient) page.getEntry().get(0).getResource();
    assertThat(cutPatient.getIdentifierFirstRep().getValue()).isEqualTo("e-1");
    assertThat(cutPatient.hasName()).isFalse();
    Observation cut = (Observation) page.getEntry().get(1).getResource();
    assertThat(cut.getSubject().getReference()).isEqualTo(patient.toUnqualifiedVersionless().getValue());
    assertThat(cut.getCode().getText()).isEqualTo("weight"); // mandatory: kept
    assertThat(cut.hasNote()).isFalse();
    assertThat(cut.getMeta().getVersionId()).isEqualTo("1");
    assertThat(cut.getMeta().getTag()).extracting(Coding::getCode).containsExactly("SUBSETTED");
    assertThat(page.getEntry()).extracting(ChangesTest::sequence).isSorted().hasSize(2);
    assertThat(new String(inProcess, StandardCharsets.UTF_8)).contains("\"e-1\"", "\"weight\"")
        .doesNotContain("Cut", "not asked for");
  }

  @Test
  void eachEntryNamesTheSourceOfItsVersionSoASystemCanSkipItsOwnWrites() {
    long start = server.lastChange();
    Patient fromClient = patient("Sourced");
    fromClient.getMeta().setSource("urn:client:ward-7");
    client.create().resource(fromClient).execute();
    FhirResponse created = server.api().handle(FhirRequest.builder("POST", "Patient")
        .body(json(patient("Synced")), "application/fhir+json").caller(Caller.system("urn:brazier:sync")).build());
    String synced = created.version().id();
    server.api().handle(FhirRequest.builder("DELETE", "Patient/" + synced)
        .caller(Caller.system("urn:brazier:sync")).build());
    client.create().resource(patient("Unsourced")).execute();

    List<BundleEntryComponent> feed = follow(start, 4, "");

    assertThat(feed).extracting(ChangesTest::source)
        .containsExactly("urn:client:ward-7", "urn:brazier:sync", "urn:brazier:sync", null);
  }

  @Test
  void aLongPollInProcessAnswersAsSoonAsAChangeIsCommitted() throws Exception {
    long start = server.lastChange();
    CompletableFuture<FhirResponse> polled = CompletableFuture.supplyAsync(() -> server.api().handle(
        FhirRequest.builder("GET", "$changes?since=" + start + "&_wait=30").build()));
    Thread.sleep(200); // the poll has found nothing and waits

    String id = client.create().resource(patient("Awaited")).execute().getId().getIdPart();
    FhirResponse response = polled.get(20, TimeUnit.SECONDS);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bundle().bundle().getEntry()).extracting(BundleEntryComponent::getFullUrl)
        .containsExactly("/Patient/" + id);
  }

  @Test
  void aLongPollWithNothingNewAnswersEmptyAtTheEndOfItsWait() {
    long start = server.lastChange();
    long began = System.nanoTime();

    FhirResponse response = server.api().handle(
        FhirRequest.builder("GET", "$changes?since=" + start + "&_type=ImmunizationRecommendation&_wait=1").build());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bundle().bundle().getEntry()).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
  }

  /**
   * More long pollers than the server has database connections wait together, while writers of other types go on
   * unhindered; one write of the awaited type then answers them all. A poll that held a connection, or a lock of
   * the sequencer, while it waited would starve the writers or the other polls.
   */
  @Test
  void longPollsWaitTogetherWithoutHinderingWritersOrEachOther() throws Exception {
    int pollers = 40;
    int writers = 4;
    long start = server.lastChange();
    CyclicBarrier go = new CyclicBarrier(pollers + writers);
    AtomicInteger polling = new AtomicInteger();
    // Writers start once every poll is counted: else a writer could end before the last poller thread ran.
    CountDownLatch allPolling = new CountDownLatch(pollers);
    AtomicInteger mostPolling = new AtomicInteger();
    List<Integer> pollingWhenWritersEnded = Collections.synchronizedList(new ArrayList<>());
    ExecutorService threads = Executors.newFixedThreadPool(pollers + writers);
    try {
      List<Future<Http.Response>> polls = new ArrayList<>();
      for (int i = 0; i < pollers; i++) {
        polls.add(threads.submit(() -> {
          go.await();
          mostPolling.accumulateAndGet(polling.incrementAndGet(), Math::max);
          allPolling.countDown();
          try {
            return http.get("/fhir/$changes?since=" + start + "&_type=Basic&_wait=60");
          } finally {
            polling.decrementAndGet();
          }
        }));
      }
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        writes.add(threads.submit(() -> {
          go.await();
          allPolling.await();
          for (int n = 0; n < 5; n++) {
            client.create().resource(patient("Writer")).execute();
          }
          pollingWhenWritersEnded.add(polling.get());
          return null;
        }));
      }
      for (Future<?> write : writes) {
        write.get(60, TimeUnit.SECONDS);
      }

      String awaited = client.create().resource(basic()).execute().getId().getIdPart();

      for (Future<Http.Response> poll : polls) {
        Http.Response answer = poll.get(30, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.resource(Bundle.class).getEntry()).extracting(BundleEntryComponent::getFullUrl)
            .containsExactly(server.baseUrl() + "/Basic/" + awaited);
      }
      assertThat(mostPolling.get()).as("polls waiting at once").isEqualTo(pollers);
      assertThat(pollingWhenWritersEnded).as("polls still waiting as each writer ended").containsOnly(pollers);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aSinceOlderThanTheFeedKeepsIsGoneWithAnOperationOutcomeThatSaysToResync(@TempDir Path dir)
      throws InterruptedException {
    try (TestServer own = TestServer.start(dir, ServerConfig.defaults())) {
      for (int i = 0; i < 3; i++) {
        own.client().create().resource(patient("Old" + i)).execute();
      }
      long latest = own.lastChange();
      Thread.sleep(5);
      own.store().pruneChanges(Duration.ofMillis(1)); // all but the newest, which numbering goes on from

      OperationOutcome gone = own.http().refused(410, "GET", "/fhir/$changes?since=0", new byte[0]);
      Http.Response fromNewest = own.http().get("/fhir/$changes?since=" + (latest - 1));

      assertThat(gone.getIssueFirstRep().getDiagnostics()).contains("Re-sync").contains("since=" + latest);
      assertThat(fromNewest.status()).isEqualTo(200);
      assertThat(fromNewest.resource(Bundle.class).getEntry()).hasSize(1);
    }
  }

  /** Follows the feed from {@code since}, waiting for changes, until it has seen {@code count} of them. */
  private List<BundleEntryComponent> follow(long since, int count, String query) {
    List<BundleEntryComponent> seen = new ArrayList<>();
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String next = "$changes?since=" + since + "&_wait=5" + query;
    while (seen.size() < count && System.nanoTime() < end) {
      Bundle page = page(next);
      seen.addAll(page.getEntry());
      next = page.getLink(Bundle.LINK_NEXT).getUrl().substring(server.baseUrl().length() + 1);
    }
    return seen;
  }

  private Bundle page(String relativeUrl) {
    return client.loadPage().byUrl(server.baseUrl() + "/" + relativeUrl).andReturnBundle(Bundle.class).execute();
  }

  private byte[] json(Patient patient) {
    return server.fhir().jsonParser().encodeResourceToString(patient).getBytes(StandardCharsets.UTF_8);
  }

  private static Patient patient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family);
    return patient;
  }

  private static Basic basic() {
    Basic basic = new Basic();
    basic.getCode().setText("changes-" + UUID.randomUUID());
    return basic;
  }

  private static long sequence(BundleEntryComponent entry) {
    return ((DecimalType) entry.getExtensionByUrl(Changes.SEQUENCE).getValue()).getValue().longValueExact();
  }

  private static String source(BundleEntryComponent entry) {
    var extension = entry.getExtensionByUrl(Changes.SOURCE);
    return extension == null ? null : ((UriType) extension.getValue()).getValue();
  }
}
