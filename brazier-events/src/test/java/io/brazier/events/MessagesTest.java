package io.brazier.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.server.Caller;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessagesTest {
  private static final ObjectMapper json = Jackson.MAPPER;
  private static final EventsConfig config = EventsConfig.defaults("127.0.0.1:9")
      .withSyncQueueTypes(Set.of("Patient", "Observation"));

  private final Messages messages = new Messages(config, Publishers.server().fhir());

  @Test
  void anEventCarriesTheOriginalsFieldsAndTheWritesSequence() throws IOException {
    Written update = new Written(42, Written.Action.UPDATED, "Observation", "o1", "3",
        "2026-12-05T05:00:00.123+00:00", "urn:loader", observation("Patient/p1", null));

    Message event = messages.of(List.of(update)).get(0);

    assertThat(event.topic()).isEqualTo("fhirevents");
    assertThat(event.key()).isEqualTo("Patient/p1");
    assertThat(event.sequence()).isEqualTo(42);
    assertThat(json.readTree(event.value())).isEqualTo(json.readTree("{\"action\":\"Updated\","
        + "\"resourcetype\":\"Observation\",\"id\":\"o1\",\"version\":\"3\","
        + "\"lastupdated\":\"2026-12-05T05:00:00.123+00:00\",\"source\":\"urn:loader\"}"));
  }

  @Test
  void theSyncQueueGetsTypeIdActionAndTheTargetIdExceptOnCreate() {
    Written created = new Written(1, Written.Action.CREATED, "Observation", "o1", "1", "2026-12-05T05:00:00Z", null,
        observation("Patient/p1", "cds-9"));
    Written updated = new Written(2, Written.Action.UPDATED, "Observation", "o1", "2", "2026-12-05T05:00:01Z", null,
        observation("Patient/p1", "cds-9"));
    Written deleted = new Written(3, Written.Action.DELETED, "Observation", "o1", "3", "2026-12-05T05:00:02Z", null,
        observation("Patient/p1", "cds-9"));

    List<Message> queued = messages.of(List.of(created, updated, deleted)).stream()
        .filter(m -> m.topic().equals("cdsupdates")).toList();

    assertThat(queued).extracting(Message::text)
        .containsExactly("Observation/o1,Create,", "Observation/o1,Update,cds-9", "Observation/o1,Delete,cds-9");
    assertThat(queued).extracting(Message::key).containsOnly("Patient/p1");
  }

  @Test
  void theSyncAgentsOwnWritesArePublishedButNotQueuedBackToIt() {
    Written byTheAgent = new Written(5, Written.Action.UPDATED, "Patient", "p1", "2", "2026-12-05T05:00:00Z",
        Caller.SYNC_AGENT_SOURCE, null);

    assertThat(messages.of(List.of(byTheAgent))).extracting(Message::topic).containsExactly("fhirevents");
  }

  @Test
  void typesLimitWhatGoesWhere() {
    Messages onlyPatients = new Messages(config.withTypes(Set.of("Patient")).withSyncQueueTypes(Set.of()),
        Publishers.server().fhir());
    Written organization = new Written(6, Written.Action.CREATED, "Organization", "x", "1", "2026-12-05T05:00:00Z",
        null, null);
    Written patient = new Written(7, Written.Action.CREATED, "Patient", "p", "1", "2026-12-05T05:00:00Z", null, null);

    assertThat(onlyPatients.of(List.of(organization, patient))).extracting(Message::key)
        .containsExactly("Patient/p");
    assertThat(onlyPatients.concerns("Organization")).isFalse();
    assertThat(messages.concerns("Organization")).as("every type published by default").isTrue();
  }

  @Test
  void theFeedIsAskedForTheRootElementsThatKeysAndTargetIdsAreReadFrom() {
    assertThat(messages.elements()).contains("subject", "patient", "performer", "participant", "identifier")
        .doesNotContain("reference", "code", "component", "value");
  }

  private static ObjectNode observation(String subject, String targetId) {
    ObjectNode observation = json.createObjectNode().put("resourceType", "Observation");
    observation.putObject("subject").put("reference", subject);
    if (targetId != null) {
      observation.putArray("identifier").addObject().put("system", "CDSEntityID").put("value", targetId);
    }
    return observation;
  }
}
