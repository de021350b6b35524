package io.brazier.sync.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirPath;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapSetTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final MapReader READER = new MapReader(FHIR, new FhirPath(FHIR));
  private static final String PATIENT = """
      {"resource": "Patient", "table": "contact", "attributes": [{"column": "lastname", "path": "name.family"},
       {"action": "expand", "path": "identifier", "map": "identifier"}]}""";
  private static final String IDENTIFIER = """
      {"resource": "Patient", "table": "msemr_medicalidentifier", "parentLink": "msemr_patient",
       "attributes": [{"column": "msemr_value", "path": "value"}]}""";

  @Test
  void theTablesHoldTheColumnsOfEveryMapThatWritesThem() {
    MapSet maps = set("patient.json", PATIENT, "identifier.json", IDENTIFIER, "practitioner.json", """
        {"resource": "Practitioner", "table": "contact", "discriminator": {"column": "msemr_contacttype",
         "value": "Practitioner"}, "attributes": [{"column": "msemr_npi", "path": "identifier.value"}]}""");

    Table contact = maps.tables().stream().filter(table -> table.name().equals("contact")).findFirst().orElseThrow();
    assertThat(contact.columns()).containsKeys("lastname", "msemr_npi", "msemr_contacttype",
        Table.FHIR_ID, Table.FHIR_VERSION, Table.FHIR_LAST_UPDATED, Table.SYNC_ENABLED, Table.STATE);
    Table identifiers = maps.tables().stream().filter(Table::child).findFirst().orElseThrow();
    assertThat(identifiers.parentLink()).isEqualTo("msemr_patient");
    assertThat(identifiers.columns()).containsOnlyKeys("msemr_patient", "msemr_value");
    assertThat(maps.tables()).extracting(Table::name).contains(Table.CONCEPTS.name());
    assertThat(maps.types()).containsExactly("Patient", "Practitioner");
  }

  @Test
  void aDisabledMapSyncsNothingButKeepsItsTable() {
    MapSet maps = set("device.json", """
        {"resource": "Device", "table": "msemr_device", "enabled": false, "attributes": [{"column": "s", "path": "status"}]}""");

    assertThat(maps.root("Device")).isNull();
    assertThat(maps.tables()).extracting(Table::name).contains("msemr_device");
  }

  @Test
  void anExpandAttributeMustNameAnExpansionOfTheSameResource() {
    assertThatThrownBy(() -> set("patient.json", PATIENT))
        .hasMessage("patient.json: attributes[1].map: no map is named 'identifier'");
    assertThatThrownBy(() -> set("patient.json", PATIENT, "identifier.json", IDENTIFIER.replace(
        "\"resource\": \"Patient\"", "\"resource\": \"Person\"")))
        .hasMessage("patient.json: attributes[1].map: identifier.json maps Person, not Patient");
  }

  @Test
  void anExpansionThatNoMapNamesIsRefused() {
    assertThatThrownBy(() -> set("identifier.json", IDENTIFIER)).hasMessageStartingWith(
        "identifier.json: parentLink: makes this map an expansion, but no expand attribute names it");
  }

  @Test
  void twoEnabledMapsOfOneResourceAreRefused() {
    assertThatThrownBy(() -> set("a.json", """
        {"resource": "Patient", "table": "contact", "attributes": [{"column": "x", "path": "id"}]}""", "b.json", """
        {"resource": "Patient", "table": "other", "attributes": [{"column": "x", "path": "id"}]}"""))
        .hasMessage("b.json: resource: another enabled map, a.json, already maps Patient: disable one of them");
  }

  @Test
  void mapsThatShareATableMustAgreeOnItsColumnsTypes() {
    assertThatThrownBy(() -> set("a.json", """
        {"resource": "Patient", "table": "contact", "attributes": [{"column": "born", "path": "birthDate", "type": "date"}]}""",
        "b.json", """
        {"resource": "Practitioner", "table": "contact", "attributes": [{"column": "born", "path": "birthDate"}]}"""))
        .hasMessage("b.json: attributes[0].column: born of contact is date in another map, not string");
  }

  @Test
  void aColumnTheAgentWritesItselfIsRefused() {
    assertThatThrownBy(() -> set("a.json", """
        {"resource": "Patient", "table": "contact", "attributes": [{"column": "msemr_azurefhirversion", "path": "meta.versionId"}]}"""))
        .hasMessage("a.json: attributes[0].column: msemr_azurefhirversion is written by the agent itself");
  }

  @Test
  void expansionsThatExpandEachOtherReachNoRootAndAreRefused() {
    assertThatThrownBy(() -> set("a.json", """
        {"resource": "Patient", "table": "ta", "parentLink": "p", "attributes": [{"action": "expand", "path": "link", "map": "b"}]}""",
        "b.json", """
        {"resource": "Patient", "table": "tb", "parentLink": "p", "attributes": [{"action": "expand", "path": "link", "map": "a"}]}"""))
        .hasMessageStartingWith("a.json: parentLink: its parents expand each other in a circle");
  }

  /** A set of maps from pairs of file name and content. */
  private static MapSet set(String... filesAndContents) {
    List<String> list = Arrays.asList(filesAndContents);
    List<EntityMap> maps = new java.util.ArrayList<>();
    for (int i = 0; i < list.size(); i += 2) {
      maps.add(READER.read(list.get(i), list.get(i + 1).getBytes(StandardCharsets.UTF_8)));
    }
    return MapSet.of("test", maps);
  }
}
