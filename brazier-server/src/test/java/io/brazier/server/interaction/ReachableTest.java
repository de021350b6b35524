package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Http;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a restricted request reaches, version by version: resources in the patient compartments it may see, and
 * resources of types that have no members in the compartment. Outside, a read is a 404, as if nothing were stored,
 * and a write that would store a resource outside is a 403. The restriction comes from the header {@code X-Patient},
 * as an isolating interceptor would set it.
 */
class ReachableTest {
  private static TestServer server;

  private final Http http = server.http();
  private final String alice = create(new Patient().setActive(true));
  private final String bob = create(new Patient().setActive(true));

  @BeforeAll
  static void start() {
    server = TestServer.onSharedStore(ServerConfig.defaults(), List.of(new PatientHeader()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aResourceInTheCallersCompartmentIsReadAndAnotherPatientsIsNotKnown() {
    String own = create(observation(alice));
    String others = create(observation(bob));

    assertThat(http.get("/fhir/" + own, "X-Patient", alice).status()).isEqualTo(200);
    assertThat(http.get("/fhir/Patient/" + alice, "X-Patient", alice).status()).isEqualTo(200);
    assertThat(http.get("/fhir/" + others, "X-Patient", alice).status()).isEqualTo(404);
    assertThat(http.get("/fhir/Patient/" + bob, "X-Patient", alice).status()).isEqualTo(404);
  }

  @Test
  void aTypeWithoutMembersInTheCompartmentIsNotRestricted() {
    String practitioner = "Practitioner/" + create(new Practitioner().setActive(true));

    assertThat(http.get("/fhir/" + practitioner, "X-Patient", alice).status()).isEqualTo(200);
  }

  @Test
  void eachVersionIsJudgedByItsOwnReferences() {
    String moved = create(observation(alice));
    update(moved, observation(bob));

    assertThat(http.get("/fhir/" + moved + "/_history/1", "X-Patient", alice).status()).isEqualTo(200);
    assertThat(http.get("/fhir/" + moved + "/_history/2", "X-Patient", alice).status()).isEqualTo(404);
    assertThat(http.get("/fhir/" + moved, "X-Patient", alice).status()).isEqualTo(404);
  }

  @Test
  void aDeletionLiesWhereTheVersionItDeletedDid() {
    String own = create(observation(alice));
    String others = create(observation(bob));
    http.send("DELETE", "/fhir/" + own, null);
    http.send("DELETE", "/fhir/" + others, null);

    assertThat(http.get("/fhir/" + own, "X-Patient", alice).status()).as("gone for its owner").isEqualTo(410);
    assertThat(http.get("/fhir/" + others, "X-Patient", alice).status()).isEqualTo(404);
  }

  @Test
  void aDeleteOfAResourceOutsideIsNotKnownWhetherItIsDeletedOrNot() {
    String live = create(observation(bob));
    String deleted = create(observation(bob));
    http.send("DELETE", "/fhir/" + deleted, null);

    http.refused(404, "DELETE", "/fhir/" + live, (byte[]) null, "X-Patient", alice);
    http.refused(404, "DELETE", "/fhir/" + deleted, (byte[]) null, "X-Patient", alice);
    http.refused(404, "DELETE", "/fhir/" + live, (byte[]) null, "X-Patient", alice, "If-Match", "W/\"9\"");
    assertThat(http.send("DELETE", "/fhir/" + deleted, null, "X-Patient", bob).status()).as("its owner's")
        .isEqualTo(204);
  }

  @Test
  void aPatchOrAnUpdateOfAResourceOutsideIsNotKnownWhateverIsAskedOfIt() {
    String live = create(observation(bob));
    String deleted = create(observation(bob));
    http.send("DELETE", "/fhir/" + deleted, null);
    String patch = "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"amended\"}]";

    http.refused(404, "PATCH", "/fhir/" + deleted, patch, "X-Patient", alice, "Content-Type",
        "application/json-patch+json");
    http.refused(404, "PATCH", "/fhir/" + live, patch, "X-Patient", alice, "Content-Type",
        "application/json-patch+json", "If-Match", "W/\"9\"");
    http.refused(404, "PUT", "/fhir/" + live, json(withId(observation(alice), live)), "X-Patient", alice,
        "If-Match", "W/\"9\"");
  }

  @Test
  void aWriteMayNotChangeAResourceOutsideNorStoreOneThere() {
    String others = create(observation(bob));
    Observation mixed = observation(alice);
    mixed.addPerformer(new Reference("Patient/" + bob));

    http.refused(404, "PUT", "/fhir/" + others, json(withId(observation(alice), others)), "X-Patient", alice);
    http.refused(403, "POST", "/fhir/Observation", json(observation(bob)), "X-Patient", alice);
    http.refused(403, "POST", "/fhir/Observation", json(mixed), "X-Patient", alice);
    http.refused(403, "POST", "/fhir/Observation", json(observation(null)), "X-Patient", alice);
  }

  @Test
  void aWriteInsideIsStored() {
    Http.Response created = http.post("/fhir/Observation", json(observation(alice)), "X-Patient", alice);

    assertThat(created.status()).as(created.body()).isEqualTo(201);
  }

  private static Observation observation(String patient) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().setText("reach " + UUID.randomUUID());
    if (patient != null) {
      observation.setSubject(new Reference("Patient/" + patient));
    }
    return observation;
  }

  private static Resource withId(Resource resource, String typeAndId) {
    resource.setId(typeAndId);
    return resource;
  }

  /** Creates without a restriction; the id ({@code Patient}) or {@code Type/id} (anything else). */
  private String create(Resource resource) {
    Http.Response response = http.post("/fhir/" + resource.fhirType(), json(resource));
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    String id = new IdType(response.header("Location").orElseThrow()).getIdPart();
    return resource instanceof Patient || resource instanceof Practitioner ? id : resource.fhirType() + "/" + id;
  }

  private void update(String typeAndId, Resource resource) {
    Http.Response response = http.put("/fhir/" + typeAndId, json(withId(resource, typeAndId)));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
  }

  private static String json(Resource resource) {
    return server.fhir().context().newJsonParser().encodeResourceToString(resource);
  }
}
