package io.brazier.proxy.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.server.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The definitions of a profiles directory: StructureDefinitions, ValueSets and CodeSystems of its JSON files and
 * FHIR packages, nothing else; a file that is no FHIR resource or package stops the start naming it.
 */
class ProfileDefinitionsTest {
  private static final Fhir FHIR = TestServer.shared().fhir();
  private static final String PATIENT_PROFILE = "http://example.org/fhir/StructureDefinition/identified-patient";
  private static final String PACKAGED_PROFILE = "http://example.org/fhir/StructureDefinition/dated-observation";

  @TempDir
  Path directory;

  @Test
  void definitionsComeFromJsonFilesAndPackagesAndOtherResourcesAndFilesAreLeftAlone() throws IOException {
    copyTestProfiles();
    Files.writeString(directory.resolve("ValueSet-colours.json"), "{\"resourceType\":\"ValueSet\","
        + "\"url\":\"http://example.org/fhir/ValueSet/colours\",\"status\":\"active\"}");
    Files.writeString(directory.resolve("CodeSystem-colours.json"), "{\"resourceType\":\"CodeSystem\","
        + "\"url\":\"http://example.org/fhir/CodeSystem/colours\",\"status\":\"active\",\"content\":\"complete\","
        + "\"concept\":[{\"code\":\"red\"}]}");
    Files.writeString(directory.resolve("Patient-example.json"), "{\"resourceType\":\"Patient\",\"id\":\"x\"}");
    Files.writeString(directory.resolve("README.txt"), "not a resource, and not read");

    PrePopulatedValidationSupport definitions = ProfileDefinitions.read(FHIR, directory);

    assertThat(definitions.fetchStructureDefinition(PATIENT_PROFILE)).isNotNull();
    assertThat(definitions.fetchStructureDefinition(PACKAGED_PROFILE)).as("from the .tgz").isNotNull();
    assertThat(definitions.fetchValueSet("http://example.org/fhir/ValueSet/colours")).isNotNull();
    assertThat(definitions.fetchCodeSystem("http://example.org/fhir/CodeSystem/colours")).isNotNull();
    assertThat(definitions.fetchAllConformanceResources()).hasSize(4);
  }

  @Test
  void aJsonFileThatIsNoFhirResourceStopsTheStartNamingIt() throws IOException {
    Path broken = directory.resolve("StructureDefinition-broken.json");
    Files.writeString(broken, "{\"resourceType\":\"StructureDefinition\",");

    assertThatThrownBy(() -> ProfileDefinitions.read(FHIR, directory)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--profiles").hasMessageContaining(broken.toString());
  }

  @Test
  void aPackageThatIsNoPackageStopsTheStartNamingIt() throws IOException {
    Path broken = directory.resolve("not-a-package.tgz");
    Files.write(broken, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});

    assertThatThrownBy(() -> ProfileDefinitions.read(FHIR, directory)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--profiles").hasMessageContaining(broken.toString());
  }

  @Test
  void thePolicyFileIsNoDefinitionAndAnEmptyDirectoryHoldsNone() throws IOException {
    assertThat(ProfileDefinitions.read(FHIR, directory).fetchAllConformanceResources()).isEmpty();

    Files.writeString(directory.resolve(ProfilePolicy.FILE), "{\"Patient\": {\"profiles\": []}}");

    assertThat(ProfileDefinitions.read(FHIR, directory).fetchAllConformanceResources()).isEmpty();
  }

  private void copyTestProfiles() throws IOException {
    Path profiles = ProfileValidationTest.profiles();
    try (Stream<Path> files = Files.list(profiles)) {
      for (Path file : files.toList()) {
        Files.copy(file, directory.resolve(file.getFileName()));
      }
    }
  }
}
