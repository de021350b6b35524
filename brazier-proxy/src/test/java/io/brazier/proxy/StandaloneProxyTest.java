package io.brazier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.client.ClientCredentials;
import io.brazier.testkit.ClosedPort;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code brazier proxy} in front of another Brazier that requires tokens: callers hold tokens of the proxy's issuer,
 * which the upstream does not accept; the proxy reaches the upstream as a client of the upstream's token server.
 * Answers come back with the upstream's base URL replaced by the proxy's, so that a client follows links through
 * the proxy.
 */
class StandaloneProxyTest {
  private static final String PROXY_CLIENT = "standalone-proxy";
  private static final String SECRET = "proxy-secret-" + UUID.randomUUID();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static SecuredServer upstream;
  private static ProxyUnderTest proxy;

  @BeforeAll
  static void start() {
    upstream = SecuredServer.shared();
    upstream.clients().add(ClientRegistration.withSecret(PROXY_CLIENT, SECRET, List.of("Administrator"), List.of(),
        null));
    ClientCredentials.Config identity = new ClientCredentials.Config(URI.create(upstream.server().rootUrl()
        + "/oauth2/token"), PROXY_CLIENT, SECRET, null, null);
    proxy = ProxyUnderTest.start(upstream.baseUrl(), Optional.of(identity), List.of(), ProxyUnderTest.RETRIES,
        Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @Test
  void aWriterCreatesAndReadsThroughTheProxyWhichUsesItsOwnIdentityUpstream() throws Exception {
    String token = proxy.token("writer-1", List.of("Reader", "Writer"), null);
    IGenericClient client = proxy.client(token);

    MethodOutcome created = client.create().resource(patient("Proxied")).execute();
    Patient read = client.read().resource(Patient.class).withId(created.getId().getIdPart()).execute();

    assertThat(created.getId().getValue()).startsWith(proxy.baseUrl() + "/Patient/");
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Proxied");
    assertThat(status("GET", upstream.baseUrl() + "/Patient/" + created.getId().getIdPart(), token))
        .as("the caller's token is no good upstream").isEqualTo(401);
  }

  @Test
  void aRequestJettyRefusesBeforeAnyRouteIsAnOperationOutcome() throws Exception {
    String response;
    try (Socket socket = new Socket("127.0.0.1", URI.create(proxy.baseUrl()).getPort())) {
      socket.getOutputStream().write(("GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(response).as(response).startsWith("HTTP/1.1 400 ")
        .containsIgnoringCase("content-type: application/fhir+json").contains("OperationOutcome", "h2c")
        .doesNotContainIgnoringCase("<html");
  }

  @Test
  void aSmallAnswerComesBackInOneWriteWithItsLengthAndItsUrlsRewritten() throws Exception {
    String token = proxy.token("writer-whole", List.of("Reader", "Writer"), null);
    String id = proxy.client(token).create().resource(patient("Whole")).execute().getId().getIdPart();

    HttpResponse<byte[]> read = get("/Patient/" + id, token);
    HttpResponse<byte[]> search = get("/Patient?_id=" + id, token);

    for (HttpResponse<byte[]> answer : List.of(read, search)) {
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.headers().firstValueAsLong("Content-Length")).hasValue(answer.body().length);
      assertThat(answer.headers().firstValue("Transfer-Encoding")).isEmpty();
    }
    assertThat(new String(read.body(), StandardCharsets.UTF_8)).contains("\"id\":\"" + id + "\"");
    assertThat(new String(search.body(), StandardCharsets.UTF_8)).contains("\"fullUrl\":\"" + proxy.baseUrl()
        + "/Patient/" + id + "\"").doesNotContain(upstream.baseUrl());
  }

  @Test
  void searchPagesAndFullUrlsPointAtTheProxyAndTheNextPageComesThroughIt() {
    String family = "Paged" + UUID.randomUUID().toString().substring(0, 8);
    IGenericClient client = proxy.client(proxy.token("writer-2", List.of("Reader", "Writer"), null));
    for (int i = 0; i < 3; i++) {
      client.create().resource(patient(family)).execute();
    }

    Bundle first = client.search().byUrl("Patient?family=" + family + "&_count=2").returnBundle(Bundle.class)
        .execute();
    Bundle second = client.loadPage().next(first).execute();

    assertThat(first.getLink("next").getUrl()).startsWith(proxy.baseUrl() + "/Patient?");
    assertThat(first.getEntry()).hasSize(2).allSatisfy(entry -> assertThat(entry.getFullUrl())
        .startsWith(proxy.baseUrl() + "/Patient/"));
    assertThat(second.getEntry()).hasSize(1);
    assertThat(first.getTotal()).isEqualTo(3);
  }

  @Test
  void noTokenIsA401WithItsChallengeAndAReaderMayNotWrite() throws Exception {
    HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/Patient"))
        .build(), HttpResponse.BodyHandlers.ofString());
    IGenericClient reader = proxy.client(proxy.token("reader-1", List.of("Reader"), null));

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"brazier\"");
    assertThat(anonymous.body()).contains("\"resourceType\":\"OperationOutcome\"");
    assertThatThrownBy(() -> reader.create().resource(patient("Refused")).execute())
        .isInstanceOf(ForbiddenOperationException.class);
    assertThat(reader.search().forResource(Patient.class).count(1).returnBundle(Bundle.class).execute().getTotal())
        .isPositive();
  }

  @Test
  void eachEntryOfABatchIsCheckedAsItsOwnRequestSoAReaderWritesNothingThroughOne() {
    String family = "Batched" + UUID.randomUUID().toString().substring(0, 8);
    IGenericClient reader = proxy.client(proxy.token("batch-reader", List.of("Reader"), null));
    IGenericClient writer = proxy.client(proxy.token("batch-writer", List.of("Reader", "Writer"), null));

    assertThatThrownBy(() -> reader.transaction().withBundle(batchCreating(family)).execute())
        .isInstanceOf(ForbiddenOperationException.class).hasMessageContaining("Bundle.entry[1]");
    assertThat(countOf(writer, family)).as("nothing of the refused batch reached the upstream").isZero();

    Bundle answered = writer.transaction().withBundle(batchCreating(family)).execute();

    assertThat(answered.getEntry()).extracting(entry -> entry.getResponse().getStatus())
        .allSatisfy(status -> assertThat(status).startsWith("20"));
    assertThat(countOf(writer, family)).isEqualTo(1);
  }

  /** A batch that searches (a Reader may), then creates a Patient (a Reader may not). */
  private static Bundle batchCreating(String family) {
    Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
    batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient?_count=1");
    batch.addEntry().setResource(patient(family)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    return batch;
  }

  private static int countOf(IGenericClient client, String family) {
    return client.search().byUrl("Patient?family=" + family + "&_summary=count").returnBundle(Bundle.class)
        .execute().getTotal();
  }

  @Test
  void callersConfinedToPatientsSeeOnlyTheirsThroughAnUpstreamThatRequiresTokens() {
    IGenericClient writer = proxy.client(proxy.token("writer-3", List.of("Reader", "Writer"), null));
    String someone = writer.create().resource(patient("Someone")).execute().getId().getIdPart();
    writer.create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setCode(new CodeableConcept().setText("pulse")).setSubject(new Reference("Patient/" + someone))).execute();
    IGenericClient patientScoped = proxy.client(proxy.sign(proxy.claims().subject("patient-1")
        .claim("patient", "p1").claim("scp", "patient/*.rs")));
    IGenericClient unlinked = proxy.client(proxy.token("practitioner-1", List.of("Practitioner"), "user/*.rs"));

    Bundle observations = patientScoped.search().byUrl("Observation?_count=5").returnBundle(Bundle.class)
        .execute();

    assertThat(observations.getEntry()).isEmpty();
    assertThat(writer.search().byUrl("Observation?_count=1").returnBundle(Bundle.class).execute().getEntry())
        .isNotEmpty();
    assertThatThrownBy(() -> unlinked.read().resource(Patient.class).withId(someone).execute())
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void theCapabilityStatementIsOpenAsInServeAuth() throws Exception {
    assertThat(status("GET", proxy.baseUrl() + "/metadata", null)).isEqualTo(200);
  }

  @Test
  void aPreferSentAsTwoHeaderLinesReachesTheUpstreamWhole() throws Exception {
    String token = proxy.token("exporter-prefer", List.of("Administrator"), null);
    HttpResponse<String> kickOff = HTTP.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl()
        + "/$export?_type=Patient,Spaceship")).header("Authorization", "Bearer " + token)
        .header("Prefer", "respond-async").header("Prefer", "handling=lenient").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(kickOff.statusCode()).as("respond-async honoured: " + kickOff.body()).isEqualTo(202);
    assertThat(kickOff.body()).as("handling=lenient honoured: the unknown type is a warning, not a 400")
        .contains("Spaceship");
    String status = kickOff.headers().firstValue("Content-Location").orElseThrow();
    assertThat(status).startsWith(proxy.baseUrl() + "/_async/");
    awaitDone(status, token);
  }

  @Test
  void healthIsDownNamingTheProblemWhileAPartOfTheProxyHasOneAndUpOnceItIsGone() throws Exception {
    AtomicReference<String> problem = new AtomicReference<>("Kafka has not acknowledged for 61 s");
    try (ProxyUnderTest checked = ProxyUnderTest.start(upstream.baseUrl()).healthCheck("events", problem::get)) {
      HttpResponse<String> down = health(checked);
      problem.set(null);
      HttpResponse<String> up = health(checked);

      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
          .startsWith("application/json"));
      assertThat(down.body()).isEqualTo("{\"status\":\"DOWN\",\"events\":\"Kafka has not acknowledged for 61 s\"}");
      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(up.body()).isEqualTo("{\"status\":\"UP\"}");
    }
  }

  /**
   * The proxy's health is its own: an upstream away would take every proxy in front of it out of a load balancer
   * at once (and have a liveness probe restart them in a loop), where callers get a 502 OperationOutcome saying why.
   */
  @Test
  void healthIsUpWhileTheUpstreamIsUnreachableAndRequestsToItAre502() throws Exception {
    try (ProxyUnderTest away = ProxyUnderTest.start(ClosedPort.url("/fhir").toString())) {
      HttpResponse<String> health = health(away);
      int read = status("GET", away.baseUrl() + "/Patient/1", away.token("reader-away", List.of("Reader"), null));

      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(read).isEqualTo(502);
    }
  }

  private static HttpResponse<String> health(ProxyUnderTest checked) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(checked.health()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Polls an asynchronous request's status through the proxy until it is done, so that no job outlives the test. */
  private static void awaitDone(String status, String token) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int answered = status("GET", status, token);
    while (answered == 202 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      answered = status("GET", status, token);
    }
    assertThat(answered).isEqualTo(200);
  }

  private static Patient patient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family);
    return patient;
  }

  private static int status(String method, String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method,
        HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static HttpResponse<byte[]> get(String path, String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + path))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
