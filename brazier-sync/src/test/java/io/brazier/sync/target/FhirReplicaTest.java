package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import io.brazier.client.HttpFhirClient;
import io.brazier.server.TestServer;
import io.brazier.sync.TestMaps;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.source.SourceException;
import io.brazier.testkit.ClosedPort;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * The FHIR target: resources put into a real Brazier (in this process, over HTTP) at their ids, deletions deleted,
 * the same again changing nothing, and every failure one the agent can tell: the replica's refusal, an outage, or a
 * resource it cannot send.
 */
class FhirReplicaTest {
  private static final MapSet MAPS = TestMaps.builtIn();
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final FhirReplica replica = new FhirReplica(new HttpFhirClient(URI.create(server.baseUrl()),
      Optional.empty(), Duration.ofSeconds(30)));
  private final String id = "replica-" + UUID.randomUUID();

  @Test
  void eachResourceIsPutAtItsIdAsTheReplicasOwnVersionAndADeletionDeletesIt() {
    String other = id + "-other";

    replica.replicate(List.of(patient(id, 7, "Chalmers"), patient(other, 3, "Windsor")));
    replica.replicate(List.of(Items.deleted(MAPS, "Patient", other, 4)));

    Patient read = client.read().resource(Patient.class).withId(id).execute();
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Chalmers");
    assertThat(read.getMeta().getVersionId()).as("the replica's version, not the source's").isEqualTo("1");
    assertThat(read.getMeta().getLastUpdated()).isAfter(java.util.Date.from(java.time.Instant.parse(
        "2026-01-01T00:00:00Z")));
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(other).execute())
        .isInstanceOf(ResourceGoneException.class);
  }

  @Test
  void replicatingAgainAfterACrashPutsTheSameContentAtTheSameId() {
    replica.replicate(List.of(patient(id, 1, "Chalmers")));

    replica.replicate(List.of(patient(id, 1, "Chalmers"), patient(id, 2, "Renamed")));
    replica.replicate(List.of(patient(id, 1, "Chalmers"), patient(id, 2, "Renamed")));

    assertThat(client.read().resource(Patient.class).withId(id).execute().getNameFirstRep().getFamily())
        .isEqualTo("Renamed");
  }

  @Test
  void deletingWhatTheReplicaNeverHadOrHasDeletedAlreadyIsNoFailure() {
    replica.replicate(List.of(patient(id, 1, "Chalmers")));

    replica.replicate(List.of(Items.deleted(MAPS, "Patient", id, 2), Items.deleted(MAPS, "Patient", id, 2),
        Items.deleted(MAPS, "Patient", id + "-never", 1)));

    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id).execute())
        .isInstanceOf(ResourceGoneException.class);
  }

  @Test
  void aResourceTheReplicaRefusesFailsWithTheReplicasAnswerAfterTheItemsBeforeIt() {
    Item refused = Items.written(MAPS, """
        {"resourceType": "Patient", "id": "%s-bad", "meta": {"versionId": "1"}, "gender": "banana"}""".formatted(id));

    assertThatThrownBy(() -> replica.replicate(List.of(patient(id, 1, "Before"), refused)))
        .isInstanceOf(FhirReplica.Failed.class).hasMessageContaining("PUT Patient/" + id + "-bad answered 4")
        .cause().isInstanceOfSatisfying(SourceException.class,
            cause -> assertThat(cause.status()).isBetween(400, 499));

    assertThat(client.read().resource(Patient.class).withId(id).execute().getNameFirstRep().getFamily())
        .isEqualTo("Before");
  }

  @Test
  void aReplicaThatDoesNotAnswerIsAFailureWhoseCauseIsAnOutage() throws Exception {
    URI closed = ClosedPort.url("/fhir");
    FhirReplica unreachable = new FhirReplica(new HttpFhirClient(closed, Optional.empty(), Duration.ofSeconds(5)));

    assertThatThrownBy(() -> unreachable.replicate(List.of(patient(id, 1, "Lost"))))
        .isInstanceOf(FhirReplica.Failed.class).hasMessageContaining("could not be reached")
        .cause().isInstanceOfSatisfying(SourceException.class, cause -> assertThat(cause.status()).isZero());
  }

  @Test
  void aResourceWhoseBodyWasNotKeptOrIsNoJsonObjectIsTheChangesFailureNamingItAndNoOutage() {
    Item written = patient(id, 1, "Chalmers");

    // An outage (a Failed whose cause has status 0) would be waited out for ever; these count against the change.
    assertThatThrownBy(() -> replica.replicate(List.of(withBody(written, null))))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("the resource of Patient/" + id + " was not kept for " + server.baseUrl().replaceAll("/$", ""));
    assertThatThrownBy(() -> replica.replicate(List.of(withBody(written, "{\"resourceType\": "))))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("the resource of Patient/" + id + " is not JSON: ");
    assertThatThrownBy(() -> replica.replicate(List.of(withBody(written, "[]"))))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("the resource of Patient/" + id + " is not a JSON object");
  }

  private static Item patient(String id, int version, String family) {
    return Items.written(MAPS, """
        {"resourceType": "Patient", "id": "%s", "meta": {"versionId": "%d", "lastUpdated": "2020-01-01T00:00:00Z"},
         "name": [{"family": "%s"}]}""".formatted(id, version, family));
  }

  private static Item withBody(Item item, String body) {
    return new Item(item.sequence(), item.type(), item.id(), item.version(), item.partition(), item.map(),
        item.rows(), body);
  }
}
