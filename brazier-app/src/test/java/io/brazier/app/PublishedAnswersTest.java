package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.events.EventsConfig;
import io.brazier.events.Messages;
import io.brazier.events.ResponsePublisher;
import io.brazier.fhir.Fhir;
import io.brazier.proxy.Processor;
import io.brazier.proxy.ProcessorConfig;
import io.brazier.proxy.Processors;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.ProxyUnderTest;
import io.brazier.proxy.Step;
import io.brazier.server.TestServer;
import io.brazier.testkit.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code brazier proxy --events-kafka}: the writes that pass the standalone proxy are published from its answers, on
 * Kafka's own broker, as {@code publish-event} messages keyed by patient and {@code sync-queue} messages for the
 * types queued; reads publish nothing.
 */
class PublishedAnswersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KafkaBroker broker = KafkaBroker.start();
  private static final TestServer upstream = TestServer.shared();

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void aWriteThroughTheProxyIsPublishedKeyedByItsPatientAndQueuedForSync() {
    EventsConfig config = topics().withSyncQueueTypes(Set.of("Patient"));
    try (ResponsePublisher publisher = new ResponsePublisher(config, new Messages(config, upstream.fhir()));
        ProxyUnderTest proxy = ProxyUnderTest.start(upstream.baseUrl(), chain(publisher))) {
      IGenericClient client = administrator(proxy);

      String patient = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
      String observation = client.create().resource(new Observation()
          .setSubject(new Reference("Patient/" + patient))).execute().getId().getIdPart();
      client.read().resource(Patient.class).withId(patient).execute();

      List<ConsumerRecord<String, String>> events = broker.records(config.topic(), 2, Duration.ofSeconds(30));
      assertThat(events).extracting(ConsumerRecord::key).containsOnly("Patient/" + patient).hasSize(2);
      assertThat(events).extracting(PublishedAnswersTest::named)
          .containsExactly("Patient/" + patient + " Created", "Observation/" + observation + " Created");
      assertThat(broker.records(config.syncQueueTopic(), 1, Duration.ofSeconds(30)))
          .extracting(ConsumerRecord::value).singleElement().asString().startsWith("Patient/" + patient + ",");
    }
  }

  @Test
  void aWriteAnsweredInXmlIsReadForItsPatientAsOneInJson() {
    EventsConfig config = topics();
    try (ResponsePublisher publisher = new ResponsePublisher(config, new Messages(config, upstream.fhir()));
        ProxyUnderTest proxy = ProxyUnderTest.start(upstream.baseUrl(), chain(publisher))) {
      IGenericClient client = administrator(proxy);
      client.setEncoding(EncodingEnum.XML);

      String patient = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
      Observation created = (Observation) client.create().resource(new Observation()
          .setSubject(new Reference("Patient/" + patient))).execute().getResource();

      List<ConsumerRecord<String, String>> events = broker.records(config.topic(), 2, Duration.ofSeconds(30));
      assertThat(events).extracting(ConsumerRecord::key).containsOnly("Patient/" + patient).hasSize(2);
      assertThat(events.get(1)).satisfies(record -> {
        assertThat(event(record).path("id").asText()).isEqualTo(created.getIdElement().getIdPart());
        assertThat(event(record).path("version").asText()).isEqualTo(created.getMeta().getVersionId());
      });
    }
  }

  @Test
  void eachEntryOfATransactionThroughTheProxyIsPublished() {
    EventsConfig config = topics();
    try (ResponsePublisher publisher = new ResponsePublisher(config, new Messages(config, upstream.fhir()));
        ProxyUnderTest proxy = ProxyUnderTest.start(upstream.baseUrl(), chain(publisher))) {
      Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      transaction.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(new Patient().setActive(true))
          .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
      transaction.addEntry().setResource(new Patient().setActive(false)).getRequest().setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Patient");

      administrator(proxy).transaction().withBundle(transaction).execute();

      assertThat(broker.records(config.topic(), 2, Duration.ofSeconds(30))).hasSize(2)
          .allSatisfy(record -> assertThat(event(record).path("action").asText()).isEqualTo("Created"));
    }
  }

  @Test
  void aConditionalDeleteThroughTheProxyPublishesTheDeletionOfEachResourceItRemoved() {
    EventsConfig config = topics();
    String system = "urn:test:" + UUID.randomUUID();
    IGenericClient direct = upstream.client();
    String first = created(direct, system, "same");
    String second = created(direct, system, "same");
    String other = created(direct, system, "other");
    try (ResponsePublisher publisher = new ResponsePublisher(config, new Messages(config, upstream.fhir()));
        ProxyUnderTest proxy = ProxyUnderTest.start(upstream.baseUrl(), chain(publisher))) {
      IGenericClient client = administrator(proxy);

      client.delete().resourceConditionalByUrl("Patient?identifier=" + system + "|same").execute();
      client.delete().resourceConditionalByUrl("Patient?identifier=" + system + "|none").execute();
      String fence = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();

      assertThat(broker.records(config.topic(), 3, Duration.ofSeconds(30))).extracting(PublishedAnswersTest::named)
          .containsExactlyInAnyOrder("Patient/" + first + " Deleted", "Patient/" + second + " Deleted",
              "Patient/" + fence + " Created");
      assertThat(direct.read().resource(Patient.class).withId(other).execute().getActive()).isTrue();
    }
  }

  @Test
  void theConditionalDeletesOfATransactionThroughTheProxyPublishTheDeletionOfEachResourceTheyRemoved() {
    EventsConfig config = topics();
    String system = "urn:test:" + UUID.randomUUID();
    IGenericClient direct = upstream.client();
    String first = created(direct, system, "same");
    String second = created(direct, system, "same");
    String other = created(direct, system, "other");
    try (ResponsePublisher publisher = new ResponsePublisher(config, new Messages(config, upstream.fhir()));
        ProxyUnderTest proxy = ProxyUnderTest.start(upstream.baseUrl(), chain(publisher))) {
      Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      conditionalDelete(transaction, "Patient?identifier=" + system + "|same");
      transaction.addEntry().setResource(new Patient().setActive(false)).getRequest().setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Patient");

      Bundle answer = administrator(proxy).transaction().withBundle(transaction).execute();
      String createdInIt = answer.getEntry().get(1).getResponse().getLocation().split("/")[1];

      assertThat(broker.records(config.topic(), 3, Duration.ofSeconds(30))).extracting(PublishedAnswersTest::named)
          .containsExactlyInAnyOrder("Patient/" + first + " Deleted", "Patient/" + second + " Deleted",
              "Patient/" + createdInIt + " Created");
      assertThat(direct.read().resource(Patient.class).withId(other).execute().getActive()).isTrue();
    }
  }

  /** Two entries of a batch that remove the same resource, and a plain delete of it: one deletion is published. */
  @Test
  void eachResourceTheConditionalDeletesOfABatchRemovedIsPublishedDeletedOnce() {
    EventsConfig config = topics();
    String system = "urn:test:" + UUID.randomUUID();
    IGenericClient direct = upstream.client();
    String plain = created(direct, system, "same");
    String matched = created(direct, system, "same");
    String other = created(direct, system, "other");
    try (ResponsePublisher publisher = new ResponsePublisher(config, new Messages(config, upstream.fhir()));
        ProxyUnderTest proxy = ProxyUnderTest.start(upstream.baseUrl(), chain(publisher))) {
      IGenericClient client = administrator(proxy);
      Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
      batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Patient/" + plain);
      conditionalDelete(batch, "Patient?identifier=" + system + "|same");
      conditionalDelete(batch, "Patient?identifier=" + system + "|same&active=true");
      conditionalDelete(batch, "Patient?identifier=" + system + "|none");

      client.transaction().withBundle(batch).execute();
      String fence = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();

      assertThat(broker.records(config.topic(), 3, Duration.ofSeconds(30))).extracting(PublishedAnswersTest::named)
          .containsExactlyInAnyOrder("Patient/" + plain + " Deleted", "Patient/" + matched + " Deleted",
              "Patient/" + fence + " Created");
      assertThat(direct.read().resource(Patient.class).withId(other).execute().getActive()).isTrue();
    }
  }

  /**
   * A writer between the proxy's search of the matches and the delete: a new match is not removed (its deletion
   * would go unpublished), and a match changed to match no longer is neither removed nor published as removed.
   */
  @Test
  void aConditionalDeleteRemovesAndPublishesOnlyWhatMatchedBothBeforeAndAtTheDelete() {
    EventsConfig config = topics();
    String system = "urn:test:" + UUID.randomUUID();
    IGenericClient direct = upstream.client();
    String removed = created(direct, system, "same");
    String changed = created(direct, system, "same");
    List<String> createdMeanwhile = new ArrayList<>();
    Processor concurrentWriter = new Processor() {
      @Override
      public Step before(ProxyRequest request) {
        if (request.method().equals("DELETE")) {
          createdMeanwhile.add(created(direct, system, "same"));
          direct.update().resource(patient(system, "moved").setId(changed)).execute();
        }
        return Step.proceed(request);
      }
    };
    try (ResponsePublisher publisher = new ResponsePublisher(config, new Messages(config, upstream.fhir()));
        ProxyUnderTest proxy = ProxyUnderTest.start(upstream.baseUrl(),
            chain(publisher).followedBy(concurrentWriter))) {
      IGenericClient client = administrator(proxy);

      client.delete().resourceConditionalByUrl("Patient?identifier=" + system + "|same").execute();
      String fence = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();

      assertThat(broker.records(config.topic(), 2, Duration.ofSeconds(30))).extracting(PublishedAnswersTest::named)
          .containsExactlyInAnyOrder("Patient/" + removed + " Deleted", "Patient/" + fence + " Created");
      assertThat(direct.read().resource(Patient.class).withId(changed).execute().getActive()).isTrue();
      assertThat(direct.read().resource(Patient.class).withId(createdMeanwhile.get(0)).execute().getActive())
          .isTrue();
    }
  }

  private static void conditionalDelete(Bundle bundle, String url) {
    bundle.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl(url);
  }

  private static String created(IGenericClient client, String system, String value) {
    return client.create().resource(patient(system, value)).execute().getId().getIdPart();
  }

  private static Patient patient(String system, String value) {
    Patient patient = new Patient().setActive(true);
    patient.addIdentifier().setSystem(system).setValue(value);
    return patient;
  }

  private static String named(ConsumerRecord<String, String> record) {
    return event(record).path("resourcetype").asText() + "/" + event(record).path("id").asText() + " "
        + event(record).path("action").asText();
  }

  private static EventsConfig topics() {
    String suffix = UUID.randomUUID().toString();
    return EventsConfig.defaults(broker.bootstrapServers()).withTopics("events-" + suffix, "queue-" + suffix);
  }

  private static Processors chain(ResponsePublisher publisher) {
    Fhir fhir = upstream.fhir();
    return Processors.load(ProcessorConfig.NONE, fhir).followedBy(new PublishedAnswers(fhir, publisher));
  }

  private static IGenericClient administrator(ProxyUnderTest proxy) {
    return proxy.client(proxy.token("operator", List.of("Administrator"), null));
  }

  private static JsonNode event(ConsumerRecord<String, String> record) {
    try {
      return JSON.readTree(record.value());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
