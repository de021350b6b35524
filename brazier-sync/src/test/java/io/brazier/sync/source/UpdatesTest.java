package io.brazier.sync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.HttpFhirClient;
import io.brazier.server.TestServer;
import io.brazier.testkit.ClosedPort;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** Write-back's writes to a real Brazier over HTTP: puts and deletes, conditional on a version or not. */
class UpdatesTest {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final Updates updates = new Updates(new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(),
      Duration.ofSeconds(30)));

  @Test
  void aPutCreatesTheResourceAtItsIdAndAnswersItsVersionAndTheResourceAsStored() throws Exception {
    String id = "updates-" + UUID.randomUUID();

    Updates.Written first = updates.put(patient(id, "Zoë"), null);
    Updates.Written second = updates.put(patient(id, "Zoé"), 1);

    assertThat(first.version()).isEqualTo(1);
    assertThat(second.version()).isEqualTo(2);
    assertThat(second.resource().path("meta").path("versionId").asText()).isEqualTo("2");
    assertThat(second.resource().path("name").path(0).path("family").asText()).isEqualTo("Zoé");
    assertThat(client.read().resource(Patient.class).withId(id).execute().getNameFirstRep().getFamily())
        .isEqualTo("Zoé");
  }

  @Test
  void aPutOnAVersionFhirHasMovedPastIsRefusedAsVersionMovedAndWritesNothing() throws Exception {
    String id = "updates-" + UUID.randomUUID();
    updates.put(patient(id, "First"), null);
    updates.put(patient(id, "Second"), 1);

    assertThatThrownBy(() -> updates.put(patient(id, "Stale"), 1))
        .isInstanceOfSatisfying(Updates.VersionMoved.class, e -> assertThat(e.status()).isEqualTo(412))
        .hasMessageContaining("PUT Patient/" + id + " answered 412");

    assertThat(client.read().resource(Patient.class).withId(id).execute().getNameFirstRep().getFamily())
        .isEqualTo("Second");
  }

  @Test
  void aDeleteAtTheCurrentVersionDeletesAndOneAtAnOlderVersionIsRefused() throws Exception {
    String kept = "updates-" + UUID.randomUUID();
    String deleted = "updates-" + UUID.randomUUID();
    updates.put(patient(kept, "Kept"), null);
    updates.put(patient(kept, "Kept again"), null);
    updates.put(patient(deleted, "Deleted"), null);

    assertThatThrownBy(() -> updates.delete("Patient", kept, 1)).isInstanceOf(Updates.VersionMoved.class);
    Updates.Written gone = updates.delete("Patient", deleted, 1);

    assertThat(gone.resource()).isNull();
    assertThat(client.read().resource(Patient.class).withId(kept).execute().getIdElement().getVersionIdPart())
        .isEqualTo("2");
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(deleted).execute())
        .isInstanceOf(ResourceGoneException.class);
  }

  @Test
  void aResourceTheServerRefusesIsASourceExceptionWithItsStatusAndTheServersReason() throws Exception {
    ObjectNode robot = patient("updates-" + UUID.randomUUID(), "Robot").put("gender", "robot");

    assertThatThrownBy(() -> updates.put(robot, null))
        .isInstanceOfSatisfying(SourceException.class, e -> {
          assertThat(e).isNotInstanceOf(Updates.VersionMoved.class);
          assertThat(e.status()).isEqualTo(400);
        })
        .hasMessageContaining("robot");
  }

  @Test
  void aServerThatCannotBeReachedIsATransientSourceExceptionThatNamesIt() {
    Updates nowhere = new Updates(new HttpFhirClient(ClosedPort.url("/fhir"), Optional.empty(),
        Duration.ofSeconds(5)));

    assertThatThrownBy(() -> nowhere.put(patient("updates-nowhere", "Lost"), null))
        .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.status()).isZero())
        .hasMessageContaining("could not be reached");
    assertThatThrownBy(() -> nowhere.delete("Patient", "updates-nowhere", null))
        .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.status()).isZero());
  }

  private static ObjectNode patient(String id, String family) {
    ObjectNode patient = JSON.createObjectNode().put("resourceType", "Patient").put("id", id);
    patient.putArray("name").addObject().put("family", family);
    return patient;
  }
}
