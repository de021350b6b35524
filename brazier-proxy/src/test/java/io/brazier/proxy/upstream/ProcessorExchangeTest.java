package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.proxy.Processor;
import io.brazier.proxy.ProcessorConfig;
import io.brazier.proxy.Processors;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.ProxyResponse;
import io.brazier.proxy.ProxyUnderTest;
import io.brazier.proxy.StampProvider;
import io.brazier.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The processor chain in {@code brazier proxy}, in front of another Brazier over HTTP (the test server, which has
 * no transactions to offer the proxy's processors that it could not do itself, but answers as any server would),
 * with HAPI's generic client as the caller: a processor of a jar of its own found by {@code ServiceLoader}
 * ({@link StampProvider}), and built-in processors that read the upstream and write through it.
 */
class ProcessorExchangeTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ProxyUnderTest PROXY = ProxyUnderTest.start(TestServer.shared().baseUrl(),
      new ProcessorConfig(List.of("stamp", "transform-bundle", "date-sort", "everything"), List.of("stamp"), null,
          Map.of("stamp.value", "standalone")));
  private static final String WRITER = PROXY.token("writer", List.of("Reader", "Writer"), null);
  private static final IGenericClient CLIENT = PROXY.client(WRITER);

  @AfterAll
  static void stop() {
    PROXY.close();
  }

  @Test
  void aProcessorOfAnotherJarAnswersItselfAndStampsEveryAnswer() throws Exception {
    String id = CLIENT.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();

    Bundle stopped = CLIENT.search().byUrl("Patient?family=stop").returnBundle(Bundle.class).execute();
    HttpResponse<String> read = get("/Patient/" + id, WRITER);
    HttpResponse<String> direct = HTTP.send(HttpRequest.newBuilder(URI.create(TestServer.shared().baseUrl()
        + "/Patient/" + id)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(stopped.getIdElement().getIdPart()).isEqualTo(StampProvider.ANSWERED);
    assertThat(read.headers().firstValue("X-Stamp")).as("added by the post-processor").contains("standalone");
    assertThat(read.body()).as("an answer no processor reads streams through as it came").isEqualTo(direct.body());
    assertThat(read.headers().firstValue("ETag")).isEqualTo(direct.headers().firstValue("ETag"));
  }

  @Test
  void aPostProcessorChangesTheAnswersResourceInPlace() {
    Bundle tagged = CLIENT.search().byUrl("Patient?family=tagged").returnBundle(Bundle.class).execute();

    assertThat(tagged.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(tagged.getLink("self").getUrl()).startsWith(PROXY.baseUrl() + "/Patient?");
    assertThat(tagged.getMeta().getTag(StampProvider.TAG_SYSTEM, "standalone")).isNotNull();
  }

  @Test
  void whatAProcessorAsksTheUpstreamNamesTheProxy() {
    String family = "Relay" + UUID.randomUUID().toString().substring(0, 8);
    CLIENT.create().resource(new Patient().addName(new HumanName().setFamily(family)))
        .execute();

    Bundle relayed = CLIENT.search().byUrl("Patient?family=relay").returnBundle(Bundle.class).execute();

    assertThat(relayed.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(relayed.getLink("self").getUrl()).startsWith(PROXY.baseUrl() + "/Patient?");
  }

  @Test
  void requestsWithoutATokenAreRefusedBeforeAnyProcessorSeesThem() throws Exception {
    HttpResponse<String> anonymous = get("/Patient?family=stop", null);

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("X-Stamp")).isEmpty();
  }

  @Test
  void aTransactionIsSentInRoundsAsTheCallerItsReferencesFollowed() {
    String uuid = UUID.randomUUID().toString();
    Bundle response = CLIENT.transaction().withBundle(patientAndObservation(uuid)).execute();

    assertThat(response.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
    assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus().substring(0, 3))
        .containsExactly("201", "201");
    String observation = new org.hl7.fhir.r4.model.IdType(response.getEntry().get(1).getResponse().getLocation())
        .getIdPart();
    assertThat(CLIENT.read().resource(Observation.class).withId(observation).execute().getSubject().getReference())
        .isEqualTo("Patient/" + uuid);
  }

  @Test
  void aProcessorsAnswerComesInTheFormatTheClientAsked() {
    String patient = CLIENT.create().resource(new Patient()).execute().getId().getIdPart();
    for (String start : List.of("2012-01-01", "2001-01-01", "2020-01-01")) {
      Encounter encounter = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED)
          .setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"))
          .setSubject(new Reference("Patient/" + patient));
      encounter.getPeriod().setStartElement(new DateTimeType(start + "T00:00:00Z"));
      CLIENT.create().resource(encounter).execute();
    }
    IGenericClient xml = PROXY.client(WRITER);
    xml.setEncoding(EncodingEnum.XML);

    Bundle sorted = xml.search().byUrl("Encounter?subject=Patient/" + patient + "&_sort=date")
        .returnBundle(Bundle.class).execute();

    assertThat(sorted.getEntry()).extracting(entry -> ((Encounter) entry.getResource()).getPeriod()
        .getStartElement().getValueAsString().substring(0, 4)).containsExactly("2001", "2012", "2020");
  }

  @Test
  void aProcessorsPagesAreFollowedThroughTheProxy() {
    String patient = CLIENT.create().resource(new Patient()).execute().getId().getIdPart();
    for (int i = 0; i < 3; i++) {
      CLIENT.create().resource(observation("Patient/" + patient)).execute();
    }

    Bundle page = CLIENT.search().byUrl(PROXY.baseUrl() + "/Patient/" + patient + "/$everything?_count=2")
        .returnBundle(Bundle.class).execute();
    List<String> everything = new ArrayList<>();
    for (; ; page = CLIENT.loadPage().next(page).execute()) {
      page.getEntry().forEach(entry -> everything.add(entry.getResource().fhirType()));
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        break;
      }
      assertThat(page.getLink(Bundle.LINK_NEXT).getUrl()).startsWith(PROXY.baseUrl() + "/Patient/" + patient);
    }

    assertThat(everything).containsExactlyInAnyOrder("Patient", "Observation", "Observation", "Observation");
  }

  @Test
  void aRestrictedCallersRequestsPassIsolationAndTheProcessorsInOneChain() throws Exception {
    String family = "Chain" + UUID.randomUUID().toString().substring(0, 8);
    String mine = created(new Patient().addName(new HumanName().setFamily(family)));
    String theirs = created(new Patient().addName(new HumanName().setFamily(family)));
    assertThat(ids(CLIENT.search().byUrl("Patient?family=" + family).returnBundle(Bundle.class).execute()))
        .containsExactlyInAnyOrder(mine, theirs);
    String token = patientToken(mine);

    Bundle found = PROXY.client(token).search().byUrl("Patient?family=" + family).returnBundle(Bundle.class)
        .execute();
    HttpResponse<String> stamped = get("/Patient?family=" + family, token);
    Bundle stopped = PROXY.client(token).search().byUrl("Patient?family=stop").returnBundle(Bundle.class).execute();

    assertThat(ids(found)).as("narrowed and checked by isolation").containsExactly(mine);
    assertThat(stamped.headers().firstValue("X-Stamp")).as("then post-processed").contains("standalone");
    assertThat(stamped.body()).contains(mine).doesNotContain(theirs);
    assertThat(stopped.getIdElement().getIdPart()).as("a pre-processor answers a restricted caller too")
        .isEqualTo(StampProvider.ANSWERED);
  }

  @Test
  void aProcessorsOwnAnswerToARestrictedCallerIsCheckedByIsolation() {
    String mine = created(new Patient());
    String theirs = created(new Patient());
    created(observation("Patient/" + mine));
    created(observation("Patient/" + theirs));
    IGenericClient patient = PROXY.client(patientToken(mine));

    Bundle everything = patient.search().byUrl(PROXY.baseUrl() + "/Patient/" + mine + "/$everything")
        .returnBundle(Bundle.class).execute();

    assertThat(everything.getEntry()).extracting(entry -> entry.getResource().fhirType())
        .as("with isolation's notice, on every page it may have left entries out of")
        .containsExactlyInAnyOrder("Patient", "Observation", "OperationOutcome");
    assertThat(CLIENT.search().byUrl(PROXY.baseUrl() + "/Patient/" + theirs + "/$everything")
        .returnBundle(Bundle.class).execute().getEntry()).as("the processor answers others").hasSize(2);
    assertThatThrownBy(() -> patient.search().byUrl(PROXY.baseUrl() + "/Patient/" + theirs + "/$everything")
        .returnBundle(Bundle.class).execute()).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void aPostProcessorReadingTheBodysBytesSeesWhatTheClientGets() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    Processor bytesReader = new Processor() {
      @Override
      public ProxyResponse after(ProxyRequest request, ProxyResponse response) {
        seen.add(new String(response.bytes(), StandardCharsets.UTF_8));
        return response;
      }
    };
    String id = created(new Patient().addName(new HumanName().setFamily("Bytes")));
    try (ProxyUnderTest proxy = ProxyUnderTest.start(TestServer.shared().baseUrl(),
        Processors.load(ProcessorConfig.NONE, TestServer.shared().fhir()).followedBy(bytesReader))) {
      String token = proxy.token("reader", List.of("Reader"), null);

      HttpResponse<String> read = HTTP.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/Patient/" + id))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> searched = HTTP.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl()
          + "/Patient?_id=" + id)).header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(seen).containsExactly(read.body(), searched.body());
      assertThat(searched.body()).as("the upstream's base URL rewritten to the proxy's")
          .contains(proxy.baseUrl() + "/Patient/" + id).doesNotContain(TestServer.shared().baseUrl() + "/");
    }
  }

  private static String patientToken(String patient) {
    return PROXY.sign(PROXY.claims().subject("patient-" + UUID.randomUUID()).claim("patient", patient)
        .claim("scope", "patient/*.cruds"));
  }

  private static String created(Resource resource) {
    return CLIENT.create().resource(resource).execute().getId().getIdPart();
  }

  private static List<String> ids(Bundle bundle) {
    return bundle.getEntry().stream().map(entry -> entry.getResource().getIdElement().getIdPart()).toList();
  }

  private static Bundle patientAndObservation(String uuid) {
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    BundleEntryComponent patient = transaction.addEntry().setFullUrl("urn:uuid:" + uuid).setResource(new Patient());
    patient.getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    transaction.addEntry().setResource(observation("urn:uuid:" + uuid)).getRequest().setMethod(HTTPVerb.POST)
        .setUrl("Observation");
    return transaction;
  }

  private static Observation observation(String subject) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference(subject));
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    return observation;
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(PROXY.baseUrl() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
