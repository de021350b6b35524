package io.brazier.sync.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirPath;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapLoaderTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final MapLoader LOADER = new MapLoader(new MapReader(FHIR, new FhirPath(FHIR)));

  @Test
  void theBuiltInMapsAreTheOriginalAgents25MapsOver20Resources() {
    MapSet maps = LOADER.load(MapLoader.builtIn());

    assertThat(maps.all()).hasSize(25);
    assertThat(maps.types()).containsExactlyInAnyOrder("Patient", "Practitioner", "RelatedPerson", "Organization",
        "Location", "Encounter", "Observation", "Condition", "Procedure", "AllergyIntolerance", "MedicationRequest",
        "Medication", "DiagnosticReport", "Device", "Claim", "CarePlan", "CareTeam", "Appointment", "Slot", "Schedule");
    assertThat(maps.tables()).extracting(Table::name).contains("contact", "account", "msemr_medicalidentifier",
        "msemr_contactlink", "msemr_careteamparticipant", "msemr_careteamparticipantrole", "msemr_appointmentemr",
        "msemr_appointmentemrslot", "msemr_slot", "msemr_codeableconcept");
    assertThat(maps.root("Patient").table()).isEqualTo("contact");
    assertThat(maps.root("Practitioner").discriminator().value()).isEqualTo("Practitioner");
    assertThat(maps.root("Appointment").writeBack()).isTrue();
  }

  @Test
  void theDefaultsWrittenToADirectoryLoadAsTheSameMaps(@TempDir Path dir) throws Exception {
    MapLoader.writeDefaults(dir);

    MapLoader.MapFiles files = MapLoader.directory(dir);

    assertThat(files.contents()).hasSize(25);
    assertThat(files.fingerprint()).isEqualTo(MapLoader.builtIn().fingerprint());
    assertThat(LOADER.load(files).origin()).isEqualTo(dir.toString());
  }

  @Test
  void aDirectoryWithoutMapsIsRefused(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("notes.txt"), "not a map");

    assertThatThrownBy(() -> LOADER.load(MapLoader.directory(dir)))
        .hasMessage(dir + ": holds no map: put one .json file per entity map there");
  }
}
