package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.server.TestServer;
import io.brazier.testkit.Eventually;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FHIR servers on both sides: a second Brazier, holding a sample patient, read as any FHIR server is (through
 * {@code _history}), and replicated into another Brazier (the FHIR target), compared resource by resource.
 */
class FhirToFhirTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static TestServer source;
  private static IGenericClient sourceClient;
  private static Path maps;

  @BeforeAll
  static void startASecondBrazierWithASamplePatient() throws Exception {
    source = TestServer.start(Mc4hSample.serverConfig());
    sourceClient = source.client();
    List<String> files = Mc4hSample.files();
    int file = files.indexOf(files.stream().filter(name -> name.startsWith("Aaron697_Morissette863")).findFirst()
        .orElseThrow());
    assertThat(source.http().send("POST", "/fhir", Mc4hSample.bundles().get(file)).status()).isEqualTo(200);
    maps = Agents.maps();
  }

  @AfterAll
  static void stop() {
    source.close();
  }

  @Test
  void aServerReadThroughHistoryIsBackfilledThenFollowed() {
    TargetConfig target = TestTargets.inOtherDatabase();
    Patient patient = samplePatient();

    try (SyncAgent agent = Agents.start(source, target, Agents.config(maps).withHistory(true))) {
      Eventually.within(DEADLINE, () -> assertThat(lastname(target, patient.getIdPart()))
          .isEqualTo(patient.getNameFirstRep().getFamily()));
      patient.getNameFirstRep().setFamily("Followed");
      sourceClient.update().resource(patient).execute();

      Eventually.within(DEADLINE, () -> assertThat(lastname(target, patient.getIdPart())).isEqualTo("Followed"));

      Observation observation = anyObservation();
      sourceClient.delete().resourceById("Observation", observation.getIdPart()).execute();

      Eventually.within(DEADLINE, () -> assertThat(TestTargets.number(target, "SELECT count(*) FROM"
          + " msemr_observation WHERE msemr_azurefhirid = ?", observation.getIdPart())).isZero());
    }
  }

  @Test
  void everyMappedResourceIsReplicatedWithItsIdAndDeletionsFollow() throws Exception {
    // Patients are synced in parallel, so a reference may come before what it names: the replica takes it.
    TestServer replica = TestServer.onSharedStore(Mc4hSample.serverConfig());
    IGenericClient replicaClient = replica.client();
    TargetConfig target = TestTargets.inOtherDatabase();
    SyncConfig config = Agents.config(maps).withFhirTarget(URI.create(replica.baseUrl()));

    try (SyncAgent agent = Agents.start(source, target, config)) {
      List<ObjectNode> mapped = mappedResources(agent.maps().types());
      assertThat(mapped).hasSizeGreaterThan(10);

      Eventually.within(DEADLINE, () -> {
        for (ObjectNode resource : mapped) {
          String reference = resource.path("resourceType").asText() + "/" + resource.path("id").asText();
          assertThat(withoutVersion(json(replica, reference))).as(reference).isEqualTo(withoutVersion(resource));
        }
      });
      Observation observation = anyObservation();
      sourceClient.delete().resourceById("Observation", observation.getIdPart()).execute();

      Eventually.within(DEADLINE, () -> assertThat(gone(replicaClient, observation.getIdPart())).isTrue());
    } finally {
      replica.close();
    }
  }

  /** Every resource of the source of a type the maps sync, as JSON. */
  private static List<ObjectNode> mappedResources(java.util.Set<String> types) throws Exception {
    List<ObjectNode> resources = new ArrayList<>();
    for (String type : types) {
      JsonNode bundle = JSON.readTree(source.http().get("/fhir/" + type + "?_count=1000").body());
      for (JsonNode entry : bundle.path("entry")) {
        resources.add((ObjectNode) entry.path("resource"));
      }
    }
    return resources;
  }

  private static ObjectNode json(TestServer server, String reference) throws Exception {
    return (ObjectNode) JSON.readTree(server.http().get("/fhir/" + reference).body());
  }

  /** The resource without what each server gives its own: the version and when it was written. */
  private static ObjectNode withoutVersion(ObjectNode resource) {
    ObjectNode copy = resource.deepCopy();
    if (copy.get("meta") instanceof ObjectNode meta) {
      meta.remove("versionId");
      meta.remove("lastUpdated");
    }
    return copy;
  }

  private static boolean gone(IGenericClient client, String id) {
    try {
      client.read().resource(Observation.class).withId(id).execute();
      return false;
    } catch (ResourceGoneException | ResourceNotFoundException e) {
      return true;
    }
  }

  private static Patient samplePatient() {
    return (Patient) sourceClient.search().forResource(Patient.class).returnBundle(Bundle.class).execute()
        .getEntryFirstRep().getResource();
  }

  private static Observation anyObservation() {
    return (Observation) sourceClient.search().forResource(Observation.class).returnBundle(Bundle.class).execute()
        .getEntryFirstRep().getResource();
  }

  private static Object lastname(TargetConfig target, String id) {
    List<Map<String, Object>> rows = TestTargets.rows(target, "SELECT lastname FROM contact WHERE msemr_azurefhirid"
        + " = ?", id);
    return rows.isEmpty() ? null : rows.get(0).get("lastname");
  }
}
