package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.store.ResourceVersion;
import io.brazier.store.TestStore;
import io.brazier.store.Write;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** Many current versions in one read, and the Patient compartments of versions, deletions included. */
class VersionReaderTest {
  private final TestStore store = TestStore.shared();
  private final PostgresStore postgres = store.store();

  @Test
  void aBatchReadGivesTheCurrentVersionOfEachResourceDeletionsIncludedAndLeavesOutUnknownOnes() {
    String patient = store.save(new Patient().setActive(true));
    String updated = store.save(observation(patient));
    store.save(observation(patient).setId(updated));
    String deleted = delete("Observation", store.save(observation(patient)));

    Map<String, ResourceVersion> found = postgres.current(List.of("Patient/" + patient, "Observation/" + updated,
        "Observation/" + deleted, "Observation/never-stored", "Patient/" + updated));

    assertThat(found).containsOnlyKeys("Patient/" + patient, "Observation/" + updated, "Observation/" + deleted);
    assertThat(found.get("Observation/" + updated).version()).isEqualTo(2);
    assertThat(found.get("Observation/" + updated).json())
        .isEqualTo(postgres.current("Observation", updated).orElseThrow().json());
    assertThat(found.get("Observation/" + deleted)).satisfies(v -> {
      assertThat(v.deleted()).isTrue();
      assertThat(v.version()).isEqualTo(2);
    });
    assertThat(postgres.current(List.of())).isEmpty();
    assertThatThrownBy(() -> postgres.current(List.of("Observation"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aKeyOfATypeNoNodeRegisteredIsRefusedNamingIt() {
    assertThatThrownBy(() -> postgres.current(List.of("Patient/1", "Starship/enterprise")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Unknown resource type Starship");
  }

  @Test
  void aResourceMovedFromOnePatientToAnotherIsInEachCompartmentAtItsOwnVersions() {
    String first = store.save(new Patient().setActive(true));
    String second = store.save(new Patient().setActive(true));
    String moved = store.save(observation(first));
    store.save(observation(second).setId(moved));
    delete("Observation", moved);

    List<ResourceVersion> history = List.of(version("Observation", moved, 1), version("Observation", moved, 2),
        version("Observation", moved, 3));

    assertThat(postgres.patientCompartments(history, store.search()))
        .containsExactly(Set.of(first), Set.of(second), Set.of(second));
  }

  @Test
  void eachDeletionOfAResourceDeletedTwiceIsInTheCompartmentsOfTheVersionItDeleted() {
    String first = store.save(new Patient().setActive(true));
    String second = store.save(new Patient().setActive(true));
    String twice = store.save(observation(first));
    delete("Observation", twice);
    store.save(observation(second).setId(twice));
    delete("Observation", twice);

    List<ResourceVersion> history = List.of(version("Observation", twice, 4), version("Observation", twice, 1),
        version("Observation", twice, 2), version("Observation", twice, 3));

    assertThat(history).extracting(ResourceVersion::deleted).containsExactly(true, false, true, false);
    assertThat(postgres.patientCompartments(history, store.search()))
        .containsExactly(Set.of(second), Set.of(first), Set.of(first), Set.of(second));
  }

  @Test
  void aPatientIsInItsOwnCompartmentAndThoseItLinksToAndAPractitionerInNone() {
    String other = store.save(new Patient().setActive(true));
    Patient linking = new Patient();
    linking.addLink().setOther(new Reference("Patient/" + other)).setType(Patient.LinkType.SEEALSO);
    String patient = store.save(linking);
    Observation performed = observation(other);
    performed.addPerformer(new Reference("Patient/" + patient));
    String observation = store.save(performed);
    String practitioner = store.save(new Practitioner().setActive(true));

    List<Set<String>> compartments = postgres.patientCompartments(List.of(version("Patient", patient, 1),
        version("Observation", observation, 1), version("Practitioner", practitioner, 1)), store.search());

    assertThat(compartments).containsExactly(Set.of(patient, other), Set.of(other, patient), Set.of());
  }

  private ResourceVersion version(String type, String id, int version) {
    return postgres.version(type, id, version).orElseThrow();
  }

  private String delete(String type, String id) {
    int version = postgres.current(type, id).orElseThrow().version() + 1;
    postgres.commit(List.of(Write.delete(type, id, version, Instant.now())));
    return id;
  }

  private static Observation observation(String patient) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference("Patient/" + patient));
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    return observation;
  }
}
