package io.brazier.loader.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.client.HttpFhirClient;
import io.brazier.loader.LoaderConfig;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class BundleLoadTest {
  private static final ExecutorService POOL = Executors.newFixedThreadPool(4);
  private final TestServer server = TestServer.shared();

  @AfterAll
  static void stop() {
    POOL.shutdownNow();
  }

  @Test
  void aTransactionIsSentAsATransaction() throws Exception {
    String patient = UUID.randomUUID().toString();

    FileOutcome outcome = load(server, LoaderConfig.defaults(), transaction(patient, 3));

    assertThat(outcome.succeeded()).as(outcome.reason()).isTrue();
    assertThat(outcome.loaded()).isEqualTo(4);
    assertThat(Json.parse(outcome.result()).path("type").asText()).isEqualTo("transaction-response");
    assertThat(observationsOf(patient)).isEqualTo(3);
  }

  @Test
  void anEmptyFileIsSaidToBeEmptyNotToBeOtherThanJson() throws Exception {
    FileOutcome empty = load(server, LoaderConfig.defaults(), new byte[0]);
    FileOutcome blank = load(server, LoaderConfig.defaults(), " \r\n".getBytes(StandardCharsets.UTF_8));

    assertThat(empty.succeeded()).isFalse();
    assertThat(empty.reason()).isEqualTo("Not a transaction or batch bundle: the file is empty.");
    assertThat(blank.reason()).isEqualTo("Not a transaction or batch bundle: the file is empty.");
  }

  @Test
  void aBulkDataManifestBesideItsFilesIsPassedOverNotFailed() throws Exception {
    byte[] manifest = """
        {"transactionTime": "2026-12-06T20:33:10.125Z", "request": "http://fhir.example/$export",
         "requiresAccessToken": false, "error": [],
         "output": [{"type": "Patient", "url": "file:///export/Patient-1.ndjson", "count": 5}]}
        """.getBytes(StandardCharsets.UTF_8);

    FileOutcome outcome = load(server, LoaderConfig.defaults(), manifest);

    assertThat(outcome.succeeded()).as(outcome.reason()).isTrue();
    assertThat(outcome.loaded()).isZero();
    assertThat(Json.parse(outcome.result()).path("issue").path(0).path("diagnostics").asText())
        .contains("Bulk Data manifest");
  }

  @Test
  void aSyntheaPatientBundleLoadsAsBatchesLevelByLevelWithTransformToBatch() throws Exception {
    byte[] bundle = resource("/synthea/patient.json.gz");

    FileOutcome outcome = load(server, LoaderConfig.defaults().withModes(true, false), bundle);

    assertThat(outcome.succeeded()).as(outcome.reason()).isTrue();
    assertThat(outcome.loaded()).isEqualTo(54);
    JsonNode result = Json.parse(outcome.result());
    assertThat(result.path("type").asText()).isEqualTo("batch-response");
    assertThat(result.path("entry")).hasSize(54);
  }

  @Test
  void aTransactionTheServerFindsTooLargeIsSentAsBatchesInstead() throws Exception {
    String patient = UUID.randomUUID().toString();
    try (TestServer small = TestServer.onSharedStore(ServerConfig.builder().bundleMaxEntries(10).build())) {

      FileOutcome outcome = load(small, LoaderConfig.defaults().withSending(2, 8, 500), transaction(patient, 20));

      assertThat(outcome.succeeded()).as(outcome.reason()).isTrue();
      assertThat(outcome.loaded()).isEqualTo(21);
      assertThat(observationsOf(patient)).isEqualTo(20);
    }
  }

  @Test
  void aConditionalReferenceThatMatchesNothingGetsAPlaceholderCarryingItsIdentifier() throws Exception {
    String npi = UUID.randomUUID().toString();

    FileOutcome outcome = load(server, LoaderConfig.defaults(), observationBy("Practitioner?identifier=urn:npi|" + npi));
    FileOutcome again = load(server, LoaderConfig.defaults(), observationBy("Practitioner?identifier=urn:npi|" + npi));

    assertThat(outcome.succeeded()).as(outcome.reason()).isTrue();
    assertThat(again.succeeded()).as(again.reason()).isTrue();
    Bundle placeholders = server.client().search().forResource(Practitioner.class)
        .where(Practitioner.IDENTIFIER.exactly().systemAndCode("urn:npi", npi)).returnBundle(Bundle.class).execute();
    assertThat(placeholders.getEntry()).hasSize(1);
    assertThat(placeholders.getEntryFirstRep().getResource().getMeta().getTag("https://brazier.io/fhir/tag",
        "placeholder")).isNotNull();
  }

  @Test
  void withStrictReferencesAnUnmatchedConditionalReferenceFailsTheFileAndSaysWhy() throws Exception {
    String npi = UUID.randomUUID().toString();

    FileOutcome outcome = load(server, LoaderConfig.defaults().withModes(false, true),
        observationBy("Practitioner?identifier=urn:npi|" + npi));

    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.reason()).contains("matches no Practitioner", "--strict-references");
    assertThat(new String(outcome.report(), StandardCharsets.UTF_8)).contains(npi);
  }

  @Test
  void aConditionalReferenceThatMatchesSeveralFailsItsEntryWith412() throws Exception {
    String shared = UUID.randomUUID().toString();
    for (int i = 0; i < 2; i++) {
      server.client().create().resource(new Practitioner().addIdentifier(
          new org.hl7.fhir.r4.model.Identifier().setSystem("urn:npi").setValue(shared))).execute();
    }

    FileOutcome outcome = load(server, LoaderConfig.defaults().withModes(true, false),
        observationBy("Practitioner?identifier=urn:npi|" + shared));

    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.failed()).isEqualTo(1);
    assertThat(new String(outcome.report(), StandardCharsets.UTF_8)).contains("412", "more than one");
  }

  @Test
  void aBatchConditionalCreateThatMatchesIsAnsweredWithTheMatchAndReferencesFollowIt() throws Exception {
    String identifier = UUID.randomUUID().toString();
    String existing = server.client().create().resource(new Practitioner().addIdentifier(
        new org.hl7.fhir.r4.model.Identifier().setSystem("urn:npi").setValue(identifier))).execute().getId()
        .getIdPart();
    String fullUrl = "urn:uuid:" + UUID.randomUUID();
    String bundle = """
        {"resourceType":"Bundle","type":"batch","entry":[
         {"fullUrl":"%s","resource":{"resourceType":"Practitioner","identifier":[{"system":"urn:npi",
          "value":"%s"}]},"request":{"method":"POST","url":"Practitioner","ifNoneExist":"identifier=urn:npi|%s"}},
         {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
          "performer":[{"reference":"%s"}]},"request":{"method":"POST","url":"Observation"}}]}"""
        .formatted(fullUrl, identifier, identifier, fullUrl);

    FileOutcome outcome = load(server, LoaderConfig.defaults(), bundle.getBytes(StandardCharsets.UTF_8));

    assertThat(outcome.succeeded()).as(outcome.reason()).isTrue();
    JsonNode entries = Json.parse(outcome.result()).path("entry");
    assertThat(entries.get(0).path("response").path("location").asText()).isEqualTo("Practitioner/" + existing);
    Bundle observations = server.client().search().forResource(Observation.class)
        .where(Observation.PERFORMER.hasId("Practitioner/" + existing)).returnBundle(Bundle.class).execute();
    assertThat(observations.getEntry()).hasSize(1);
  }

  @Test
  void aBatchConditionalCreateThatMatchesAPlaceholderFillsItInAndWhatReferredToItStillDoes() throws Exception {
    String identifier = UUID.randomUUID().toString();
    String referring = """
        {"resourceType":"Bundle","type":"batch","entry":[
         {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
          "performer":[{"reference":"Practitioner?identifier=urn:npi|%s"}]},
          "request":{"method":"POST","url":"Observation"}}]}""".formatted(identifier);
    String practitioners = """
        {"resourceType":"Bundle","type":"batch","entry":[
         {"resource":{"resourceType":"Practitioner","identifier":[{"system":"urn:npi","value":"%s"}],
          "name":[{"family":"Loaded-later"}]},
          "request":{"method":"POST","url":"Practitioner","ifNoneExist":"identifier=urn:npi|%s"}}]}"""
        .formatted(identifier, identifier);
    load(server, LoaderConfig.defaults(), referring.getBytes(StandardCharsets.UTF_8));

    FileOutcome outcome = load(server, LoaderConfig.defaults(), practitioners.getBytes(StandardCharsets.UTF_8));

    assertThat(outcome.succeeded()).as(outcome.reason()).isTrue();
    List<Practitioner> found = server.client().search().forResource(Practitioner.class)
        .where(Practitioner.IDENTIFIER.exactly().systemAndIdentifier("urn:npi", identifier))
        .returnBundle(Bundle.class).execute().getEntry().stream()
        .map(entry -> (Practitioner) entry.getResource()).toList();
    assertThat(found).hasSize(1);
    assertThat(found.get(0).getNameFirstRep().getFamily()).isEqualTo("Loaded-later");
    assertThat(found.get(0).getMeta().getTag(Resolver.PLACEHOLDER_TAG_SYSTEM, Resolver.PLACEHOLDER_TAG)).isNull();
    assertThat(server.client().search().forResource(Observation.class)
        .where(Observation.PERFORMER.hasId("Practitioner/" + found.get(0).getIdPart()))
        .returnBundle(Bundle.class).execute().getEntry()).hasSize(1);
  }

  private static FileOutcome load(TestServer target, LoaderConfig config, byte[] bundle)
      throws InterruptedException {
    var fhir = new HttpFhirClient(URI.create(target.baseUrl()), Optional.empty(), Duration.ofSeconds(60));
    return new BundleLoad(new Sender(fhir, config), POOL, config).load("test.json", bundle, false);
  }

  private int observationsOf(String patient) {
    return server.client().search().forResource(Observation.class)
        .where(Observation.SUBJECT.hasId("Patient/" + patient)).returnBundle(Bundle.class).execute().getEntry()
        .size();
  }

  /** A transaction of a patient and {@code observations} Observations about it, linked by urn:uuid. */
  private static byte[] transaction(String patient, int observations) {
    StringBuilder entries = new StringBuilder("""
        {"fullUrl":"urn:uuid:%s","resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}}"""
        .formatted(patient));
    for (int i = 0; i < observations; i++) {
      entries.append(",").append("""
          {"fullUrl":"urn:uuid:%s","resource":{"resourceType":"Observation","status":"final","code":{"text":"t"},
           "subject":{"reference":"urn:uuid:%s"}},"request":{"method":"POST","url":"Observation"}}"""
          .formatted(UUID.randomUUID(), patient));
    }
    return ("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entries + "]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] observationBy(String performer) {
    return ("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":"
        + "\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"performer\":[{\"reference\":\""
        + performer + "\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] resource(String name) {
    try (InputStream in = new GZIPInputStream(BundleLoadTest.class.getResourceAsStream(name))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
