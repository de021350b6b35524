package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Change;
import io.brazier.client.HttpFhirClient;
import io.brazier.fhir.Fhir;
import io.brazier.server.TestServer;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Mapper;
import io.brazier.sync.source.Resources;
import io.brazier.sync.target.Item;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * What a change makes the target become, against a real Brazier over HTTP with the built-in maps: the resource it
 * carries, or, for a deletion, a change without its resource and one applied again, the resource as it is now, so
 * that nothing applied is older than the change.
 */
class PreparerTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final MapSet MAPS = TestMaps.builtIn();
  private static final TestServer SERVER = TestServer.shared();
  private static final Resources RESOURCES = new Resources(new HttpFhirClient(URI.create(SERVER.baseUrl()),
      Optional.empty(), Duration.ofSeconds(30)));

  private final IGenericClient client = SERVER.client();
  private final Preparer preparer = new Preparer(RESOURCES, new Mapper(FHIR), false);

  @Test
  void aChangeCarryingItsResourceIsMappedFromIt() throws Exception {
    String id = patientRenamed("Before", "After");
    Change first = change(Change.Action.CREATE, id, 1, RESOURCES.version("Patient", id, 1));

    Item item = preparer.prepare(MAPS, first, "Patient/" + id, false);

    assertThat(item.version()).isEqualTo(1);
    assertThat(item.rows().root().values()).containsEntry("lastname", "Before");
    assertThat(item.partition()).isEqualTo("Patient/" + id);
  }

  @Test
  void aChangeAppliedAgainReadsTheResourceAsItIsNow() throws Exception {
    String id = patientRenamed("Before", "After");
    Change first = change(Change.Action.CREATE, id, 1, RESOURCES.version("Patient", id, 1));

    Item item = preparer.prepare(MAPS, first, "Patient/" + id, true);

    assertThat(item.version()).isEqualTo(2);
    assertThat(item.rows().root().values()).containsEntry("lastname", "After");
  }

  @Test
  void aChangeWithoutItsResourceReadsTheResourceAsItIsNow() throws Exception {
    String id = patientRenamed("Before", "After");

    Item item = preparer.prepare(MAPS, change(Change.Action.UPDATE, id, 1, null), "Patient/" + id, false);

    assertThat(item.version()).isEqualTo(2);
    assertThat(item.deleted()).isFalse();
  }

  @Test
  void theDeletionOfAResourceThatIsGoneIsADeletionAtItsVersion() throws Exception {
    String id = patient("Gone");
    client.delete().resourceById("Patient", id).execute();

    Item item = preparer.prepare(MAPS, change(Change.Action.DELETE, id, 2, null), "Patient/" + id, false);

    assertThat(item.deleted()).isTrue();
    assertThat(item.version()).isEqualTo(2);
    assertThat(item.reference()).isEqualTo("Patient/" + id);
  }

  @Test
  void theDeletionOfAResourceMadeAgainSinceMapsItAsItIsNow() throws Exception {
    String id = patient("Deleted");
    client.delete().resourceById("Patient", id).execute();
    client.update().resource(named("Back").setId(id)).execute();

    Item item = preparer.prepare(MAPS, change(Change.Action.DELETE, id, 2, null), "Patient/" + id, false);

    assertThat(item.deleted()).isFalse();
    assertThat(item.version()).isEqualTo(3);
    assertThat(item.rows().root().values()).containsEntry("lastname", "Back");
  }

  @Test
  void anUpdateOfAResourceGoneSinceIsADeletionOfAVersionNotKnownYet() throws Exception {
    String id = patient("Soon gone");
    client.delete().resourceById("Patient", id).execute();

    Item item = preparer.prepare(MAPS, change(Change.Action.UPDATE, id, 1, null), "Patient/" + id, false);

    assertThat(item.deleted()).isTrue();
    assertThat(item.version()).isNull();
  }

  @Test
  void aTypeTheMapsDoNotSyncIsNoItem() throws Exception {
    assertThat(MAPS.root("Substance")).isNull();

    assertThat(preparer.prepare(MAPS, new Change(1, "Substance", "s-1", 1, Change.Action.CREATE, null, null, null),
        "Substance/s-1", false)).isNull();
  }

  @Test
  void theBodyReadIsKeptOnlyWhenAsked() throws Exception {
    String id = patient("Logged");
    Change change = change(Change.Action.CREATE, id, 1, null);

    Item kept = new Preparer(RESOURCES, new Mapper(FHIR), true).prepare(MAPS, change, "Patient/" + id, false);
    Item notKept = preparer.prepare(MAPS, change, "Patient/" + id, false);

    assertThat(kept.body()).contains("\"id\":\"" + id + "\"", "Logged");
    assertThat(notKept.body()).isNull();
  }

  private String patientRenamed(String before, String after) {
    String id = patient(before);
    client.update().resource(named(after).setId(id)).execute();
    return id;
  }

  private String patient(String family) {
    return client.create().resource(named(family)).execute().getId().getIdPart();
  }

  private static Patient named(String family) {
    Patient patient = new Patient();
    patient.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily(family).addGiven("Pat");
    return patient;
  }

  private static Change change(Change.Action action, String id, int version, ObjectNode resource) {
    return new Change(7, "Patient", id, version, action, null, null, resource);
  }
}
