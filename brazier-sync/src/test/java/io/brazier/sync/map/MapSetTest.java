package io.brazier.sync.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.sync.TestMaps;
import org.junit.jupiter.api.Test;

class MapSetTest {
  private static final String PATIENT = """
      {"resource": "Patient", "table": "contact", "attributes": [{"column": "lastname", "path": "name.family"},
       {"action": "expand", "path": "identifier", "map": "identifier"}]}""";
  private static final String IDENTIFIER = """
      {"resource": "Patient", "table": "msemr_medicalidentifier", "parentLink": "msemr_patient",
       "attributes": [{"column": "msemr_value", "path": "value"}]}""";

  @Test
  void theTablesHoldTheColumnsOfEveryMapThatWritesThem() {
    MapSet maps = TestMaps.of("patient", PATIENT, "identifier", IDENTIFIER, "practitioner", """
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
    MapSet maps = TestMaps.of("device", """
        {"resource": "Device", "table": "msemr_device", "enabled": false, "attributes": [{"column": "s", "path": "status"}]}""");

    assertThat(maps.root("Device")).isNull();
    assertThat(maps.tables()).extracting(Table::name).contains("msemr_device");
  }

  @Test
  void anExpandAttributeMustNameAnExpansionOfTheSameResource() {
    assertThatThrownBy(() -> TestMaps.of("patient", PATIENT))
        .hasMessage("patient.json: attributes[1].map: no map is named 'identifier'");
    assertThatThrownBy(() -> TestMaps.of("patient", PATIENT, "identifier", IDENTIFIER.replace(
        "\"resource\": \"Patient\"", "\"resource\": \"Person\"")))
        .hasMessage("patient.json: attributes[1].map: identifier.json maps Person, not Patient");
  }

  @Test
  void anExpansionThatNoMapNamesIsRefused() {
    assertThatThrownBy(() -> TestMaps.of("identifier", IDENTIFIER)).hasMessageStartingWith(
        "identifier.json: parentLink: makes this map an expansion, but no expand attribute names it");
  }

  @Test
  void twoEnabledMapsOfOneResourceAreRefused() {
    assertThatThrownBy(() -> TestMaps.of("a", """
        {"resource": "Patient", "table": "contact", "attributes": [{"column": "x", "path": "id"}]}""", "b", """
        {"resource": "Patient", "table": "other", "attributes": [{"column": "x", "path": "id"}]}"""))
        .hasMessage("b.json: resource: another enabled map, a.json, already maps Patient: disable one of them");
  }

  @Test
  void mapsThatShareATableMustAgreeOnItsColumnsTypes() {
    assertThatThrownBy(() -> TestMaps.of("a", """
        {"resource": "Patient", "table": "contact", "attributes": [{"column": "born", "path": "birthDate", "type": "date"}]}""",
        "b", """
        {"resource": "Practitioner", "table": "contact", "attributes": [{"column": "born", "path": "birthDate"}]}"""))
        .hasMessage("b.json: attributes[0].column: born of contact is date in another map, not string");
  }

  @Test
  void aColumnTheAgentWritesItselfIsRefused() {
    assertThatThrownBy(() -> TestMaps.of("a", """
        {"resource": "Patient", "table": "contact", "attributes": [{"column": "msemr_azurefhirversion", "path": "meta.versionId"}]}"""))
        .hasMessage("a.json: attributes[0].column: msemr_azurefhirversion is written by the agent itself");
  }

  @Test
  void expansionsThatExpandEachOtherReachNoRootAndAreRefused() {
    assertThatThrownBy(() -> TestMaps.of("a", """
        {"resource": "Patient", "table": "ta", "parentLink": "p", "attributes": [{"action": "expand", "path": "link", "map": "b"}]}""",
        "b", """
        {"resource": "Patient", "table": "tb", "parentLink": "p", "attributes": [{"action": "expand", "path": "link", "map": "a"}]}"""))
        .hasMessageStartingWith("a.json: parentLink: its parents expand each other in a circle");
  }
}
