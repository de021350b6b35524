package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.brazier.client.Jackson;
import io.brazier.events.EventsConfig;
import io.brazier.events.Messages;
import io.brazier.events.ResponsePublisher;
import io.brazier.proxy.Processor;
import io.brazier.proxy.ProcessorConfig;
import io.brazier.proxy.Processors;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.ProxyUnderTest;
import io.brazier.proxy.Step;
import io.brazier.proxy.upstream.StubUpstream;
import io.brazier.server.TestServer;
import io.brazier.testkit.Eventually;
import io.brazier.testkit.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code brazier proxy --events-kafka}: the writes that pass the standalone proxy are published from its answers, on
 * Kafka's own broker, as {@code publish-event} messages keyed by patient and {@code sync-queue} messages for the
 * types queued; reads publish nothing.
 */
class PublishedAnswersTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final KafkaBroker broker = KafkaBroker.start();
  private static final TestServer upstream = TestServer.shared();
  private static final Duration CONSUMER_WAIT = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void aWriteThroughTheProxyIsPublishedKeyedByItsPatientAndQueuedForSync() {
    try (PublishingProxy proxy = new PublishingProxy(Set.of("Patient"), null)) {
      IGenericClient client = proxy.administrator();

      String patient = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
      String observation = client.create().resource(new Observation()
          .setStatus(Observation.ObservationStatus.FINAL).setCode(new CodeableConcept().setText("pulse"))
          .setSubject(new Reference("Patient/" + patient))).execute().getId().getIdPart();
      client.read().resource(Patient.class).withId(patient).execute();

      List<ConsumerRecord<String, String>> events = proxy.events(2);
      assertThat(events).extracting(ConsumerRecord::key).containsOnly("Patient/" + patient).hasSize(2);
      assertThat(events).extracting(PublishedAnswersTest::named)
          .containsExactly("Patient/" + patient + " Created", "Observation/" + observation + " Created");
      assertThat(proxy.queued(1))
          .extracting(ConsumerRecord::value).singleElement().asString().startsWith("Patient/" + patient + ",");
    }
  }

  @Test
  void aWriteAnsweredInXmlIsReadForItsPatientAsOneInJson() {
    try (PublishingProxy proxy = new PublishingProxy(Set.of(), null)) {
      IGenericClient client = proxy.administrator();
      client.setEncoding(EncodingEnum.XML);

      String patient = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
      Observation created = (Observation) client.create().resource(new Observation()
          .setStatus(Observation.ObservationStatus.FINAL).setCode(new CodeableConcept().setText("pulse"))
          .setSubject(new Reference("Patient/" + patient))).execute().getResource();

      List<ConsumerRecord<String, String>> events = proxy.events(2);
      assertThat(events).extracting(ConsumerRecord::key).containsOnly("Patient/" + patient).hasSize(2);
      assertThat(events.get(1)).satisfies(record -> {
        assertThat(event(record).path("id").asText()).isEqualTo(created.getIdElement().getIdPart());
        assertThat(event(record).path("version").asText()).isEqualTo(created.getMeta().getVersionId());
      });
    }
  }

  @Test
  void eachEntryOfATransactionThroughTheProxyIsPublished() {
    try (PublishingProxy proxy = new PublishingProxy(Set.of(), null)) {
      Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      transaction.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(new Patient().setActive(true))
          .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
      transaction.addEntry().setResource(new Patient().setActive(false)).getRequest().setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Patient");

      proxy.administrator().transaction().withBundle(transaction).execute();

      assertThat(proxy.events(2)).hasSize(2)
          .allSatisfy(record -> assertThat(event(record).path("action").asText()).isEqualTo("Created"));
    }
  }

  @Test
  void aConditionalDeleteThroughTheProxyPublishesTheDeletionOfEachResourceItRemoved() {
    Matching patients = Matching.created();
    try (PublishingProxy proxy = new PublishingProxy(Set.of(), null)) {
      IGenericClient client = proxy.administrator();

      client.delete().resourceConditionalByUrl(patients.criteria("same")).execute();
      client.delete().resourceConditionalByUrl(patients.criteria("none")).execute();
      String fence = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();

      assertThat(proxy.events(3)).extracting(PublishedAnswersTest::named)
          .containsExactlyInAnyOrder(patients.bothDeletedAnd("Patient/" + fence + " Created"));
      assertThat(patients.otherKept()).isTrue();
    }
  }

  @Test
  void theConditionalDeletesOfATransactionThroughTheProxyPublishTheDeletionOfEachResourceTheyRemoved() {
    Matching patients = Matching.created();
    try (PublishingProxy proxy = new PublishingProxy(Set.of(), null)) {
      Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      conditionalDelete(transaction, patients.criteria("same"));
      transaction.addEntry().setResource(new Patient().setActive(false)).getRequest().setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Patient");

      Bundle answer = proxy.administrator().transaction().withBundle(transaction).execute();
      String createdInIt = answer.getEntry().get(1).getResponse().getLocation().split("/")[1];

      assertThat(proxy.events(3)).extracting(PublishedAnswersTest::named)
          .containsExactlyInAnyOrder(patients.bothDeletedAnd("Patient/" + createdInIt + " Created"));
      assertThat(patients.otherKept()).isTrue();
    }
  }

  /** Two entries of a batch that remove the same resource, and a plain delete of it: one deletion is published. */
  @Test
  void eachResourceTheConditionalDeletesOfABatchRemovedIsPublishedDeletedOnce() {
    Matching patients = Matching.created();
    try (PublishingProxy proxy = new PublishingProxy(Set.of(), null)) {
      IGenericClient client = proxy.administrator();
      Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
      batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Patient/" + patients.first());
      conditionalDelete(batch, patients.criteria("same"));
      conditionalDelete(batch, patients.criteria("same") + "&active=true");
      conditionalDelete(batch, patients.criteria("none"));

      client.transaction().withBundle(batch).execute();
      String fence = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();

      assertThat(proxy.events(3)).extracting(PublishedAnswersTest::named)
          .containsExactlyInAnyOrder(patients.bothDeletedAnd("Patient/" + fence + " Created"));
      assertThat(patients.otherKept()).isTrue();
    }
  }

  /**
   * A writer between the proxy's search of the matches and the delete: a new match is not removed (its deletion
   * would go unpublished), and a match changed to match no longer is neither removed nor published as removed.
   */
  @Test
  void aConditionalDeleteRemovesAndPublishesOnlyWhatMatchedBothBeforeAndAtTheDelete() {
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
    try (PublishingProxy proxy = new PublishingProxy(Set.of(), concurrentWriter)) {
      IGenericClient client = proxy.administrator();

      client.delete().resourceConditionalByUrl("Patient?identifier=" + system + "|same").execute();
      String fence = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();

      assertThat(proxy.events(2)).extracting(PublishedAnswersTest::named)
          .containsExactlyInAnyOrder("Patient/" + removed + " Deleted", "Patient/" + fence + " Created");
      assertThat(direct.read().resource(Patient.class).withId(changed).execute().getActive()).isTrue();
      assertThat(direct.read().resource(Patient.class).withId(createdMeanwhile.get(0)).execute().getActive())
          .isTrue();
    }
  }

  /**
   * The broker is away for several send timeouts while a conditional delete passes: each timeout costs the producer,
   * and the deletions are sent again until the broker is back, before the client gets its answer.
   */
  @Test
  void aConditionalDeleteWhileTheBrokerIsAwayIsPublishedOnceItIsBack() throws Exception {
    Matching patients = Matching.created();
    EventsConfig config = PublishingProxy.ownTopics();
    Duration sendTimeout = Duration.ofSeconds(1);
    ExecutorService client = Executors.newSingleThreadExecutor();
    try (PublishingProxy proxy = new PublishingProxy(config.withTimeouts(config.unhealthyAfter(), sendTimeout), null)) {
      Future<?> deleted;
      broker.stop();
      try {
        deleted = client.submit(() -> proxy.administrator().delete()
            .resourceConditionalByUrl(patients.criteria("same")).execute());
        Thread.sleep(3 * sendTimeout.toMillis());
      } finally {
        broker.restart();
      }
      deleted.get(60, TimeUnit.SECONDS);
      String fence = proxy.administrator().create().resource(new Patient().setActive(true)).execute().getId()
          .getIdPart();

      assertThat(proxy.events(3)).extracting(PublishedAnswersTest::named)
          .containsExactlyInAnyOrder(patients.bothDeletedAnd("Patient/" + fence + " Created"));
    } finally {
      client.shutdownNow();
    }
  }

  /**
   * The server's search for what a conditional delete removed fails once (a 500, which the proxy's transport does not
   * send again): the delete is done, so the proxy searches again, and publishes each deletion.
   */
  @Test
  void aConditionalDeleteIsPublishedWhenTheSearchAfterItFailsOnce() {
    try (FailingSearchAfter server = new FailingSearchAfter(1);
        PublishingProxy proxy = new PublishingProxy(server.baseUrl(), PublishingProxy.ownTopics(), null)) {
      proxy.administrator().delete().resourceConditionalByUrl("Patient?identifier=urn:test|same").execute();

      assertThat(proxy.events(2)).extracting(PublishedAnswersTest::named)
          .containsExactlyInAnyOrder(server.matchesDeleted());
    }
  }

  /**
   * The server cannot say which matches a conditional delete removed: their deletions are not published (one of a
   * match changed meanwhile, which the delete kept, would be false) but logged as lost, with their contents, as the
   * publisher logs the events the broker never took.
   */
  @Test
  void theDeletionsOfAConditionalDeleteTheServerCannotConfirmAreLoggedAsLost() {
    try (LostEvents lost = new LostEvents(); FailingSearchAfter server = new FailingSearchAfter(Integer.MAX_VALUE);
        PublishingProxy proxy = new PublishingProxy(server.baseUrl(), PublishingProxy.ownTopics(), null)) {
      proxy.administrator().delete().resourceConditionalByUrl("Patient?identifier=urn:test|same").execute();
      proxy.administrator().create().resource(new Patient()).execute();

      assertThat(proxy.events(1)).extracting(PublishedAnswersTest::named)
          .containsExactly("Patient/" + FailingSearchAfter.CREATED + " Created");
      assertThat(lost.line(server.first)).startsWith("The events of DELETE Patient are lost, ")
          .contains(server.second, "\"action\":\"Deleted\"");
    }
  }

  /**
   * As a conditional delete sent alone: the batch's other writes are published, those deletions logged as lost, the
   * batch named as FHIR names its interaction, {@code POST [base]}.
   */
  @Test
  void theDeletionsOfABatchsConditionalDeleteTheServerCannotConfirmAreLoggedAsLost() {
    try (LostEvents lost = new LostEvents(); FailingSearchAfter server = new FailingSearchAfter(Integer.MAX_VALUE);
        PublishingProxy proxy = new PublishingProxy(server.baseUrl(), PublishingProxy.ownTopics(), null)) {
      Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
      batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Patient/" + FailingSearchAfter.CREATED);
      conditionalDelete(batch, "Patient?identifier=urn:test|same");

      proxy.administrator().transaction().withBundle(batch).execute();

      assertThat(proxy.events(1)).extracting(PublishedAnswersTest::named)
          .containsExactly("Patient/" + FailingSearchAfter.CREATED + " Deleted");
      assertThat(lost.line(server.first)).startsWith("The events of POST [base] are lost, ")
          .contains(server.second, "\"action\":\"Deleted\"");
    }
  }

  /**
   * The broker away while a write passes, until the write's events give up after {@code --events-unhealthy-after}:
   * the proxy's {@code /healthz} says DOWN naming Kafka, so that a load balancer takes it out, and UP again once the
   * broker is back, with no write passing to tell it (a load balancer sends none to a proxy it took out).
   */
  @Test
  void healthIsDownOnceTheBrokerFailedAWriteForUnhealthyAfterAndUpOnceItIsBack() throws Exception {
    EventsConfig config = PublishingProxy.ownTopics().withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(1));
    try (PublishingProxy proxy = new PublishingProxy(config, null)) {
      IGenericClient client = proxy.administrator();
      client.create().resource(new Patient().setActive(true)).execute();
      HttpResponse<String> before = proxy.health();
      List<HttpResponse<String>> down = new ArrayList<>();
      broker.stop();
      try {
        client.create().resource(new Patient().setActive(false)).execute();
        Eventually.until(Duration.ofSeconds(30), "/healthz says DOWN", () -> down.add(proxy.health())
            && down.get(down.size() - 1).statusCode() == 503);
      } finally {
        broker.restart();
      }
      List<HttpResponse<String>> after = new ArrayList<>();
      Eventually.until(Duration.ofSeconds(60), "/healthz says UP", () -> after.add(proxy.health())
          && after.get(after.size() - 1).statusCode() == 200);

      assertThat(before.statusCode()).isEqualTo(200);
      assertThat(down.get(down.size() - 1).body()).startsWith("{\"status\":\"DOWN\",\"events\":\"Kafka has not"
          + " acknowledged for ");
      assertThat(after.get(after.size() - 1).body()).isEqualTo("{\"status\":\"UP\"}");
    }
  }

  /** Two patients of identifier value {@code same} and one of {@code other}, in a system of their own. */
  private record Matching(String system, String first, String second, String other) {
    static Matching created() {
      String system = "urn:test:" + UUID.randomUUID();
      IGenericClient direct = upstream.client();
      return new Matching(system, PublishedAnswersTest.created(direct, system, "same"),
          PublishedAnswersTest.created(direct, system, "same"), PublishedAnswersTest.created(direct, system, "other"));
    }

    String criteria(String value) {
      return "Patient?identifier=" + system + "|" + value;
    }

    /** The events of the deletion of both {@code same} patients, as {@link #named} names them, and {@code also}. */
    String[] bothDeletedAnd(String also) {
      return new String[] {"Patient/" + first + " Deleted", "Patient/" + second + " Deleted", also};
    }

    boolean otherKept() {
      return upstream.client().read().resource(Patient.class).withId(other).execute().getActive();
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

  private static JsonNode event(ConsumerRecord<String, String> record) {
    try {
      return JSON.readTree(record.value());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A FHIR server of another make behind the proxy: a search of Patients by identifier matches two, which a DELETE
   * removes, and a search of them by {@code _id} (the proxy's search after the delete) fails with a 500 the first
   * {@code failures} times, then finds neither; a POST of a Patient creates {@link #CREATED}, and a batch of two
   * entries gets both done.
   */
  private static final class FailingSearchAfter implements AutoCloseable {
    static final String CREATED = "created-" + UUID.randomUUID();
    /** The answer to any batch: its two entries done. */
    private static final String BATCH_DONE = "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\","
        + "\"entry\":[{\"response\":{\"status\":\"204 No Content\"}},{\"response\":{\"status\":\"204\"}}]}";
    final String first = "first-" + UUID.randomUUID();
    final String second = "second-" + UUID.randomUUID();
    private final AtomicInteger failures;
    private final StubUpstream server;

    FailingSearchAfter(int failures) {
      this.failures = new AtomicInteger(failures);
      server = new StubUpstream(this::answer);
    }

    String baseUrl() {
      return server.baseUrl();
    }

    String[] matchesDeleted() {
      return new String[] {"Patient/" + first + " Deleted", "Patient/" + second + " Deleted"};
    }

    private void answer(HttpExchange exchange) throws IOException {
      String method = exchange.getRequestMethod();
      String query = exchange.getRequestURI().getRawQuery();
      if (method.equals("POST") && exchange.getRequestURI().getPath().matches("/fhir/?")) {
        StubUpstream.send(exchange, 200, "application/fhir+json", BATCH_DONE);
      } else if (!exchange.getRequestURI().getPath().equals("/fhir/Patient")) {
        StubUpstream.send(exchange, 404, "application/fhir+json", "{\"resourceType\":\"OperationOutcome\"}");
      } else if (method.equals("DELETE")) {
        StubUpstream.send(exchange, 204, "application/fhir+json", "");
      } else if (method.equals("POST")) {
        exchange.getResponseHeaders().set("Location", server.baseUrl() + "/Patient/" + CREATED + "/_history/1");
        StubUpstream.send(exchange, 201, "application/fhir+json", "{\"resourceType\":\"Patient\",\"id\":\""
            + CREATED + "\",\"meta\":{\"versionId\":\"1\"}}");
      } else if (query.startsWith("_id=") && failures.getAndDecrement() > 0) {
        StubUpstream.send(exchange, 500, "application/fhir+json", "{\"resourceType\":\"OperationOutcome\"}");
      } else {
        StubUpstream.send(exchange, 200, "application/fhir+json", query.startsWith("_id=") ? searchset()
            : searchset(first, second));
      }
    }

    private static String searchset(String... ids) {
      return "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
          + Arrays.stream(ids).map(id -> "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"" + id
              + "\"},\"search\":{\"mode\":\"match\"}}").collect(Collectors.joining(",")) + "]}";
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /** What the publisher logs while a test runs. */
  private static final class LostEvents implements AutoCloseable {
    private final Logger log = (Logger) LoggerFactory.getLogger(ResponsePublisher.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    LostEvents() {
      lines.start();
      log.addAppender(lines);
    }

    /** The one line that names {@code id}, an error. */
    String line(String id) {
      List<ILoggingEvent> naming = List.copyOf(lines.list).stream()
          .filter(line -> line.getFormattedMessage().contains(id)).toList();
      assertThat(naming).singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.ERROR);
      return naming.get(0).getFormattedMessage();
    }

    @Override
    public void close() {
      log.detachAppender(lines);
    }
  }

  /**
   * {@code brazier proxy --events-kafka} in front of the shared server, publishing on topics of its own (queueing
   * {@code syncQueueTypes} for sync), with {@code last} (or nothing) after its {@link PublishedAnswers}.
   */
  private static final class PublishingProxy implements AutoCloseable {
    private final EventsConfig config;
    private final ResponsePublisher publisher;
    private final ProxyUnderTest proxy;

    PublishingProxy(Set<String> syncQueueTypes, Processor last) {
      this(ownTopics().withSyncQueueTypes(syncQueueTypes), last);
    }

    PublishingProxy(EventsConfig config, Processor last) {
      this(upstream.baseUrl(), config, last);
    }

    /** In front of the server at {@code upstreamBase}. */
    PublishingProxy(String upstreamBase, EventsConfig config, Processor last) {
      this.config = config;
      publisher = new ResponsePublisher(config, new Messages(config, upstream.fhir()));
      Processors chain = Processors.load(ProcessorConfig.NONE, upstream.fhir())
          .followedBy(new PublishedAnswers(upstream.fhir(), publisher));
      proxy = ProxyUnderTest.start(upstreamBase, last == null ? chain : chain.followedBy(last))
          .healthCheck("events", publisher::problem); // as ProxyCommand does
    }

    /** The defaults for the test's broker, on topics of their own. */
    static EventsConfig ownTopics() {
      String suffix = UUID.randomUUID().toString();
      return EventsConfig.defaults(broker.bootstrapServers()).withTopics("events-" + suffix, "queue-" + suffix);
    }

    /** The proxy's {@code /healthz}. */
    HttpResponse<String> health() {
      try {
        return HTTP.send(HttpRequest.newBuilder(proxy.health()).build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    IGenericClient administrator() {
      return proxy.client(proxy.token("operator", List.of("Administrator"), null));
    }

    /**
     * The {@code publish-event} messages, once there are {@code atLeast}. The proxy answers a write only once the
     * broker acknowledged its messages, so they are all there when the test asks: the wait is the consumer's
     * alone, long for a machine under load, and a message missing after it was lost.
     */
    List<ConsumerRecord<String, String>> events(int atLeast) {
      return broker.records(config.topic(), atLeast, CONSUMER_WAIT);
    }

    /** The {@code sync-queue} messages, once there are {@code atLeast}; see {@link #events}. */
    List<ConsumerRecord<String, String>> queued(int atLeast) {
      return broker.records(config.syncQueueTopic(), atLeast, CONSUMER_WAIT);
    }

    @Override
    public void close() {
      try (publisher) {
        proxy.close();
      }
    }
  }
}
