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

  @Test
  void aMapsDirectoryThatIsNotThereOrNotADirectorySaysSoAndHowToMakeOne(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("my-maps");
    Path file = Files.writeString(dir.resolve("patient.json"), "{}");

    assertThatThrownBy(() -> MapLoader.directory(missing)).isInstanceOf(java.io.IOException.class)
        .hasMessage("The maps directory " + missing + " does not exist: give a directory of maps ('brazier sync"
            + " maps " + missing + "' writes the built-in ones there to start from)");
    assertThatThrownBy(() -> MapLoader.directory(file))
        .hasMessageStartingWith("The maps directory " + file + " is not a directory: ");
  }

  @Test
  void aPathNamingAnElementTheResourceLacksIsRefusedWithItsFileAndField(@TempDir Path dir) throws Exception {
    MapLoader.writeDefaults(dir);
    edit(dir.resolve("patient.json"), "\"path\": \"birthDate\"", "\"path\": \"birthdate\"");

    assertThatThrownBy(() -> LOADER.load(MapLoader.directory(dir))).isInstanceOf(MapException.class)
        .hasMessageStartingWith("patient.json: attributes[2].path: 'birthdate' does not fit Patient: The name"
            + " 'birthdate' is not valid for any of the possible types");
  }

  @Test
  void aChoiceElementReadByItsJsonNameIsRefusedAsItReadsNothing(@TempDir Path dir) throws Exception {
    MapLoader.writeDefaults(dir);
    edit(dir.resolve("observation.json"), "value.ofType(Quantity).value", "valueQuantity.value");

    assertThatThrownBy(() -> LOADER.load(MapLoader.directory(dir)))
        .hasMessageStartingWith("observation.json: attributes[8].path: 'valueQuantity.value' does not fit"
            + " Observation: The name 'valueQuantity' is not valid");
  }

  @Test
  void anExpansionsPathIsCheckedOnTheElementsItsParentExpands(@TempDir Path dir) throws Exception {
    MapLoader.writeDefaults(dir);
    edit(dir.resolve("patient-identifier.json"), "\"path\": \"system\"", "\"path\": \"sytem\"");

    assertThatThrownBy(() -> LOADER.load(MapLoader.directory(dir)))
        .hasMessageStartingWith("patient-identifier.json: attributes[0].path: 'sytem' does not fit")
        .hasMessageContaining("The name 'sytem' is not valid for any of the possible types: [http://hl7.org/fhir/"
            + "StructureDefinition/Identifier]");
  }

  @Test
  void anExpansionsPathMayReadTheResourceAndItsOwnElement(@TempDir Path dir) throws Exception {
    MapLoader.writeDefaults(dir);
    edit(dir.resolve("careteam-participant-role.json"), "\"codeableconcept\"}]", "\"codeableconcept\"},"
        + " {\"column\": \"msemr_rolecode\", \"path\": \"coding.code\"},"
        + " {\"column\": \"msemr_teamstatus\", \"path\": \"%resource.status\"}]");

    assertThat(LOADER.load(MapLoader.directory(dir)).map("careteam-participant-role").attributes()).hasSize(3);
  }

  private static void edit(Path file, String from, String to) throws Exception {
    String content = Files.readString(file);
    assertThat(content).contains(from);
    Files.writeString(file, content.replace(from, to));
  }
}
