package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.events.ChangeFeed;
import io.brazier.events.EventPublisher;
import io.brazier.events.EventsConfig;
import io.brazier.events.Messages;
import io.brazier.server.TestServer;
import io.brazier.testkit.Eventually;
import io.brazier.testkit.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sync queue as the agent's source: a real Kafka broker (KRaft, in the test JVM) fed by brazier-events' publisher
 * with {@code sync-queue} messages of a real Brazier's writes, the agent consuming them into a relational target.
 */
class QueueReaderTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static KafkaBroker broker;
  private static TestServer server;
  private final IGenericClient client = server.client();
  private final String topic = "cdsupdates-" + UUID.randomUUID().toString().substring(0, 8);
  private final String group = "brazier-sync-" + topic;
  private final TargetConfig target = TestTargets.inOtherDatabase();
  private EventPublisher publisher;
  private SyncAgent agent;

  @BeforeAll
  static void startTheBrokerAndTheServer() {
    broker = KafkaBroker.start();
    server = TestServer.shared();
  }

  @AfterAll
  static void stopTheBroker() {
    broker.close();
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (publisher != null) {
      publisher.close();
    }
  }

  private void startPublisherAndAgent() throws Exception {
    EventsConfig events = EventsConfig.defaults(broker.bootstrapServers()).withTopics("events-" + topic, topic)
        .withTypes(Set.of("Basic")).withSyncQueueTypes(Set.of("Patient", "Observation"));
    var pool = server.database().pool();
    publisher = new EventPublisher(events, ChangeFeed.inProcess(server.api(), server.baseUrl()),
        new Messages(events, server.fhir()), EventPublisher.database(pool.getJdbcUrl(), pool.getUsername(),
        pool.getPassword()), "sync-queue-" + topic, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start();
    startAgent();
  }

  private void startAgent() throws Exception {
    startAgent(Agents.config(Agents.maps()));
  }

  private void startAgent(SyncConfig config) throws Exception {
    agent = SyncAgent.start(Agents.client(server), server.fhir(), target, config,
        new Channels(null, new QueueConfig(broker.bootstrapServers(), null, topic, group)), new SimpleMeterRegistry());
  }

  @Test
  void aPatientsWritesReachTheTargetThroughTheQueueDeletionIncluded() throws Exception {
    startPublisherAndAgent();

    IIdType patient = client.create().resource(patient("Chalmers", "0611111111")).execute().getId().toVersionless();
    Patient changed = patient("Chalmers", "0622222222");
    changed.setId(patient);
    client.update().resource(changed).execute();
    IIdType observation = client.create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setCode(new CodeableConcept().setText("pulse"))
        .setSubject(new Reference(patient))).execute().getId().toVersionless();

    Eventually.within(DEADLINE, () -> {
      assertThat(contact(patient.getIdPart())).containsEntry("mobilephone", "0622222222")
          .containsEntry("msemr_azurefhirversion", 2);
      assertThat(TestTargets.number(target, "SELECT count(*) FROM msemr_observation WHERE msemr_azurefhirid = ?",
          observation.getIdPart())).isOne();
    });

    client.delete().resourceById(observation).execute();

    Eventually.within(DEADLINE, () -> assertThat(TestTargets.number(target,
        "SELECT count(*) FROM msemr_observation WHERE msemr_azurefhirid = ?", observation.getIdPart())).isZero());
    assertThat(TestTargets.rows(target, "SELECT DISTINCT source FROM sync_checkpoint"))
        .extracting(row -> row.get("source")).containsExactly("kafka:" + topic);
  }

  @Test
  void theGroupsOffsetsFollowWhatIsAppliedSoARestartedAgentGoesOnFromThere() throws Exception {
    startPublisherAndAgent();
    IIdType first = client.create().resource(patient("Before", null)).execute().getId();
    Eventually.within(DEADLINE, () -> assertThat(contact(first.getIdPart())).isNotNull());
    Eventually.within(DEADLINE, () -> assertThat(committedOffsets()).isEqualTo(endOffsets()));
    // Counted now rather than taken as one: the publisher sends at least once, and a repeat is a message of its own.
    long logged = logged(first);
    agent.close();
    agent = null;

    IIdType second = client.create().resource(patient("After", null)).execute().getId();
    startAgent();

    Eventually.within(DEADLINE, () -> assertThat(contact(second.getIdPart())).containsEntry("lastname", "After"));
    assertThat(logged).isPositive();
    assertThat(logged(first)).as("the first patient is not read again").isEqualTo(logged);
  }

  @Test
  void aMessageThatIsNotAQueueEntryIsSkippedAndTheNextOnesApplied() throws Exception {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
        broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "Patient/x", "not a queue entry")).get();
    }
    startPublisherAndAgent();

    IIdType patient = client.create().resource(patient("Next", null)).execute().getId();

    Eventually.within(DEADLINE, () -> assertThat(contact(patient.getIdPart())).containsEntry("lastname", "Next"));
  }

  /**
   * The target answers but cannot give the checkpoint (its table renamed away, as an operator's slip would): the
   * queue's reader tries again with backoff rather than stop for good, /healthz names the checkpoint meanwhile (at
   * once, without a grace), and once the table is back the agent syncs and is up again.
   */
  @Test
  void aCheckpointThatCannotBeReadIsReadAgainUntilItCanAndTheHealthSaysSoMeanwhile() throws Exception {
    startPublisherAndAgent();
    IIdType first = client.create().resource(patient("Before", null)).execute().getId();
    Eventually.within(DEADLINE, () -> assertThat(contact(first.getIdPart())).isNotNull());
    agent.close();
    agent = null;
    TestTargets.execute(target, "ALTER TABLE sync_checkpoint RENAME TO sync_checkpoint_away");

    startAgent(Agents.config(Agents.maps()).withUnhealthyAfter(Duration.ZERO));
    Eventually.within(DEADLINE, () -> assertThat(agent.down()).containsKey("checkpoint"));
    String down = agent.down().get("checkpoint");
    TestTargets.execute(target, "ALTER TABLE sync_checkpoint_away RENAME TO sync_checkpoint");
    IIdType second = client.create().resource(patient("After", null)).execute().getId();

    Eventually.within(DEADLINE, () -> assertThat(contact(second.getIdPart())).containsEntry("lastname", "After"));
    assertThat(agent.down()).isEmpty();
    assertThat(down).startsWith("cannot be read since ").contains("sync_checkpoint");
  }

  /** The sync log's rows of {@code resource}. */
  private long logged(IIdType resource) {
    return TestTargets.number(target, "SELECT count(*) FROM sync_log WHERE res_id = ?", resource.getIdPart());
  }

  private Map<String, Object> contact(String id) {
    return TestTargets.rows(target, "SELECT * FROM contact WHERE msemr_azurefhirid = ?", id).stream().findFirst()
        .orElse(null);
  }

  private static Patient patient(String family, String mobile) {
    Patient patient = new Patient();
    patient.addName(new HumanName().setUse(HumanName.NameUse.OFFICIAL).setFamily(family).addGiven("Peter"));
    if (mobile != null) {
      patient.addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE)
          .setUse(ContactPoint.ContactPointUse.MOBILE).setValue(mobile));
    }
    return patient;
  }

  private Map<TopicPartition, Long> committedOffsets() throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, Long> committed = new java.util.HashMap<>();
      offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
      return committed;
    }
  }

  /** The end of every partition that holds messages. */
  private Map<TopicPartition, Long> endOffsets() throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      for (int partition = 0; partition < KafkaBroker.PARTITIONS; partition++) {
        latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> ends = new java.util.HashMap<>();
      admin.listOffsets(latest).all().get().forEach((partition, info) -> {
        if (info.offset() > 0) {
          ends.put(partition, info.offset());
        }
      });
      return ends;
    }
  }

  private static Admin admin() {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return Admin.create(properties);
  }
}
