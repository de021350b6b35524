package io.brazier.events;

import static io.brazier.events.Publishers.await;
import static io.brazier.events.Publishers.awaitRecords;
import static io.brazier.events.Publishers.event;
import static io.brazier.events.Publishers.sequence;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.Caller;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.testkit.Parallel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventPublisherTest {
  private final IGenericClient client = Publishers.server().client();
  private final List<EventPublisher> publishers = new ArrayList<>();

  @AfterEach
  void closePublishers() {
    publishers.forEach(EventPublisher::close);
  }

  @Test
  void everyWriteIsPublishedAsTheOriginalsEventKeyedByItsPatient() {
    EventsConfig config = Publishers.config();
    start(config);
    IIdType patient = client.create().resource(patient("Chalmers")).execute().getId();
    Observation observation = observation(patient);
    IIdType created = client.create().resource(observation).execute().getId();
    client.update().resource(observation.setId(created.toVersionless())).execute();
    client.delete().resourceById(created.toVersionless()).execute();

    List<ConsumerRecord<String, String>> records = awaitRecords(config.topic(), 4,
        r -> r.key().equals("Patient/" + patient.getIdPart()));

    assertThat(records).extracting(r -> event(r).get("action").asText() + " " + event(r).get("resourcetype").asText()
        + " " + event(r).get("version").asText())
        .containsExactly("Created Patient 1", "Created Observation 1", "Updated Observation 2",
            "Deleted Observation 3");
    JsonNode first = event(records.get(1));
    assertThat(first.get("id").asText()).isEqualTo(created.getIdPart());
    assertThat(first.get("lastupdated").asText()).startsWith("20");
    assertThat(first.has("source")).isTrue();
    assertThat(records).extracting(Publishers::sequence).isSorted();
  }

  @Test
  void onePatientsWritesArriveInCommitOrderWhateverWritersRaced() throws Exception {
    EventsConfig config = Publishers.config();
    start(config);
    List<IIdType> patients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      patients.add(client.create().resource(patient("Racer" + i)).execute().getId().toVersionless());
    }
    int writers = 6;
    int each = 10;
    // Every writer writes for every patient: one patient's writes come from all of them at once.
    Parallel.Run<IIdType> written = Parallel.run(writers, each,
        (writer, i) -> client.create().resource(observation(patients.get(i % patients.size()))).execute().getId());

    Set<String> keys = Set.of(patients.stream().map(id -> "Patient/" + id.getIdPart()).toArray(String[]::new));
    List<ConsumerRecord<String, String>> records = awaitRecords(config.topic(), writers * each,
        r -> keys.contains(r.key()) && event(r).get("resourcetype").asText().equals("Observation"));

    assertThat(written.mostAtOnce()).as("writers overlapped").isGreaterThan(1);
    assertThat(records).hasSize(writers * each);
    Map<String, List<Long>> sequencesByKey = new HashMap<>();
    Map<String, Integer> partitionByKey = new HashMap<>();
    for (ConsumerRecord<String, String> record : records) {
      sequencesByKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(sequence(record));
      assertThat(partitionByKey.computeIfAbsent(record.key(), k -> record.partition())).as("one partition per patient")
          .isEqualTo(record.partition());
    }
    assertThat(sequencesByKey).hasSize(3);
    sequencesByKey.values().forEach(sequences -> assertThat(sequences).as("commit order").isSorted()
        .doesNotHaveDuplicates());
  }

  @Test
  void aTransactionBundlesEveryResourceIsPublished() {
    EventsConfig config = Publishers.config();
    start(config);
    client.transaction().withBundle(Publishers.synthea("hospitalInformation.json.gz")).execute();
    client.transaction().withBundle(Publishers.synthea("practitionerInformation.json.gz")).execute();
    Bundle answer = Publishers.server().fhir().jsonParser().parseResource(Bundle.class,
        client.transaction().withBundle(Publishers.synthea("patient.json.gz")).execute());

    List<String> written = answer.getEntry().stream().map(e -> e.getResponse().getLocation().split("/_history")[0])
        .toList();
    String patient = written.stream().filter(reference -> reference.startsWith("Patient/")).findFirst().orElseThrow();
    List<ConsumerRecord<String, String>> records = awaitRecords(config.topic(), written.size(),
        r -> written.contains(event(r).get("resourcetype").asText() + "/" + event(r).get("id").asText()));

    assertThat(records).hasSize(written.size());
    assertThat(records).extracting(r -> event(r).get("resourcetype").asText() + "/" + event(r).get("id").asText())
        .containsExactlyInAnyOrderElementsOf(written);
    assertThat(records.stream().filter(r -> !r.key().equals(patient)).map(r -> event(r).get("resourcetype").asText()))
        .as("the types outside the patient's compartment").doesNotContain("Encounter", "Observation", "Condition");
  }

  @Test
  void theSyncAgentsOwnWritesAreNeverQueuedBackToIt() {
    EventsConfig config = Publishers.config().withSyncQueueTypes(Set.of("Patient"));
    start(config);
    String bySyncAgent = createInProcess(patient("FromTheAgent"), Caller.system(Caller.SYNC_AGENT_SOURCE));
    String byAClient = client.create().resource(patient("FromAClient")).execute().getId().getIdPart();
    client.create().resource(observation(new IdType("Patient/" + byAClient))).execute();

    List<ConsumerRecord<String, String>> events = awaitRecords(config.topic(), 3,
        r -> r.key().equals("Patient/" + bySyncAgent) || r.key().equals("Patient/" + byAClient));
    List<ConsumerRecord<String, String>> queued = awaitRecords(config.syncQueueTopic(), 1,
        r -> r.key().equals("Patient/" + bySyncAgent) || r.key().equals("Patient/" + byAClient));

    assertThat(events).extracting(r -> event(r).get("resourcetype").asText())
        .contains("Patient", "Patient", "Observation");
    assertThat(events.stream().filter(r -> r.key().equals("Patient/" + bySyncAgent)).map(r -> event(r).get("source")
        .asText())).containsExactly(Caller.SYNC_AGENT_SOURCE);
    assertThat(queued).extracting(ConsumerRecord::value).containsExactly("Patient/" + byAClient + ",Create,");
  }

  @Test
  void ofTwoPublishersExactlyOnePublishesAndTheOtherTakesOverWhenItStops() {
    EventsConfig config = Publishers.config();
    String name = "pair-" + Publishers.unique();
    EventPublisher first = start(config, name);
    EventPublisher second = start(config, name);
    await(() -> first.isPublishing() || second.isPublishing(), "one publishes");
    EventPublisher holder = first.isPublishing() ? first : second;
    EventPublisher other = holder == first ? second : first;
    String before = client.create().resource(patient("BeforeTakeOver")).execute().getId().getIdPart();
    awaitRecords(config.topic(), 1, r -> r.key().equals("Patient/" + before));

    assertThat(other.isPublishing()).isFalse();
    holder.close();
    String after = client.create().resource(patient("AfterTakeOver")).execute().getId().getIdPart();
    await(other::isPublishing, "the other takes over");
    List<ConsumerRecord<String, String>> records = awaitRecords(config.topic(), 2,
        r -> r.key().equals("Patient/" + before) || r.key().equals("Patient/" + after));

    assertThat(records).extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder("Patient/" + before, "Patient/" + after);
  }

  @Test
  void aBrokerStoppedMidStreamLosesNothingAndHealthSaysSoMeanwhile() {
    EventsConfig config = Publishers.config().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2));
    EventPublisher publisher = start(config);
    List<String> patients = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      patients.add(client.create().resource(patient("Before" + i)).execute().getId().getIdPart());
    }
    awaitRecords(config.topic(), 10, r -> patients.contains(r.key().substring("Patient/".length())));

    Publishers.broker().stop();
    try {
      for (int i = 0; i < 10; i++) {
        patients.add(client.create().resource(patient("During" + i)).execute().getId().getIdPart());
      }
      await(() -> publisher.problem() != null, "health says the broker is away");
    } finally {
      Publishers.broker().restart();
    }
    for (int i = 0; i < 10; i++) {
      patients.add(client.create().resource(patient("After" + i)).execute().getId().getIdPart());
    }
    List<ConsumerRecord<String, String>> records = awaitRecords(config.topic(), 30,
        r -> patients.contains(r.key().substring("Patient/".length())));
    await(() -> publisher.problem() == null, "health recovers");

    assertThat(records.stream().map(ConsumerRecord::key).distinct()).hasSize(30);
  }

  private EventPublisher start(EventsConfig config) {
    return start(config, "test-" + Publishers.unique());
  }

  private EventPublisher start(EventsConfig config, String name) {
    EventPublisher publisher = Publishers.start(config, name);
    publishers.add(publisher);
    return publisher;
  }

  private static String createInProcess(Patient patient, Caller caller) {
    byte[] body = Publishers.server().fhir().jsonParser().encodeResourceToString(patient)
        .getBytes(StandardCharsets.UTF_8);
    FhirResponse response = Publishers.server().api().handle(FhirRequest.builder("POST", "Patient")
        .body(body, "application/fhir+json").caller(caller).build());
    assertThat(response.status()).isEqualTo(201);
    return response.version().id();
  }

  private static Patient patient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family);
    return patient;
  }

  private static Observation observation(IIdType patient) {
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    observation.setSubject(new Reference("Patient/" + patient.getIdPart()));
    return observation;
  }
}
