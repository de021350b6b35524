package io.brazier.sync.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.sync.TestMaps;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MapperTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final MapSet DEFAULTS = TestMaps.builtIn();
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private final Mapper mapper = new Mapper(FHIR);

  @Test
  void aPatientBecomesAContactRowWithItsIdentifiersAsChildRows() throws Exception {
    Rows rows = map("""
        {"resourceType": "Patient", "id": "p1", "meta": {"versionId": "3", "lastUpdated": "2024-05-01T10:00:00Z"},
         "identifier": [{"system": "urn:mrn", "value": "42"}, {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "SS", "display": "Social Security Number"}]}, "value": "999-60-9363"}],
         "name": [{"use": "official", "family": "Chalmers", "given": ["Peter", "James"]}, {"use": "usual", "given": ["Jim"]}],
         "telecom": [{"system": "phone", "value": "555-1111", "use": "home"}, {"system": "phone", "value": "555-2222", "use": "mobile"}, {"system": "email", "value": "peter@example.org"}],
         "gender": "female", "birthDate": "1974-12", "generalPractitioner": [{"reference": "Practitioner/dr1"}],
         "address": [{"line": ["534 Erewhon St"], "city": "PleasantVille", "state": "Vic", "postalCode": "3999"}]}
        """);

    Map<String, Object> contact = rows.root().values();
    assertThat(rows.root().map().table()).isEqualTo("contact");
    assertThat(rows.root().key()).isEqualTo(Keys.row("Patient", "p1"));
    assertThat(contact).containsEntry("firstname", "Peter").containsEntry("lastname", "Chalmers")
        .containsEntry("gendercode", 2).containsEntry("birthdate", LocalDate.of(1974, 12, 1))
        .containsEntry("mobilephone", "555-2222").containsEntry("telephone1", "555-1111")
        .containsEntry("emailaddress1", "peter@example.org").containsEntry("address1_city", "PleasantVille")
        .containsEntry("msemr_contacttype", "Patient").containsEntry("msemr_azurefhirid", "p1")
        .containsEntry("msemr_azurefhirversion", 3).containsEntry("statecode", 0)
        .containsEntry("msemr_generalpractitioner", Keys.row("Practitioner", "dr1"))
        .containsEntry("msemr_azurefhirlastupdatedon", OffsetDateTime.parse("2024-05-01T10:00:00Z"));
    assertThat(rows.lookups()).containsExactly(Map.entry(Keys.row("Practitioner", "dr1"), "Practitioner"));
    List<Row> identifiers = rows.rows().stream().filter(row -> row.map().table().equals("msemr_medicalidentifier"))
        .toList();
    assertThat(identifiers).extracting(row -> row.values().get("msemr_identifiervalue"))
        .containsExactly("42", "999-60-9363");
    assertThat(identifiers).allSatisfy(row -> assertThat(row.values()).containsEntry("msemr_patient",
        rows.root().key()));
    assertThat(rows.concepts()).extracting(Concept::code).containsExactly("SS");
    assertThat(identifiers.get(1).values().get("msemr_identifiertype")).isEqualTo(rows.concepts().get(0).key());
  }

  @Test
  void aPatientWithoutAnOfficialNameIsNamedByItsFirstNameAndAnOfficialOneWinsWhereverItIs() throws Exception {
    Rows unnamed = map("""
        {"resourceType": "Patient", "id": "p4", "name": [{"family": "Chalmers", "given": ["Peter"]}]}""");
    Rows official = map("""
        {"resourceType": "Patient", "id": "p5", "name": [{"use": "usual", "family": "Jim", "given": ["Jimmy"]},
         {"use": "official", "family": "Chalmers", "given": ["James"]}]}""");

    assertThat(unnamed.root().values()).containsEntry("firstname", "Peter").containsEntry("lastname", "Chalmers");
    assertThat(official.root().values()).containsEntry("firstname", "James").containsEntry("lastname", "Chalmers");
  }

  @Test
  void anObservationLooksUpItsPatientAndKeepsItsCodeAsAConcept() throws Exception {
    Rows rows = map("""
        {"resourceType": "Observation", "id": "o1", "meta": {"versionId": "1"}, "status": "final",
         "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2", "display": "Body Height"}], "text": "Body Height"},
         "subject": {"reference": "http://example.org/fhir/Patient/p1"},
         "effectiveDateTime": "2020-01-02T03:04:05-05:00",
         "valueQuantity": {"value": 180.5, "unit": "cm"}}
        """);

    assertThat(rows.root().values()).containsEntry("msemr_patient", Keys.row("Patient", "p1"))
        .containsEntry("msemr_valuequantity", new BigDecimal("180.5")).containsEntry("msemr_valueunit", "cm")
        .containsEntry("msemr_effectivedatetime", OffsetDateTime.parse("2020-01-02T08:04:05Z"))
        .containsEntry("msemr_code", Keys.concept("http://loinc.org", "8302-2", "Body Height"))
        .containsEntry("msemr_valuestring", null);
    assertThat(rows.concepts()).containsExactly(new Concept(Keys.concept("http://loinc.org", "8302-2", null),
        "http://loinc.org", "8302-2", "Body Height"));
  }

  @Test
  void nestedExpansionsLinkEachChildToItsOwnParent() throws Exception {
    Rows rows = map("""
        {"resourceType": "CareTeam", "id": "t1", "meta": {"versionId": "1"},
         "participant": [{"role": [{"text": "doctor"}, {"text": "lead"}], "member": {"reference": "Practitioner/a"}},
                         {"role": [{"text": "nurse"}], "member": {"reference": "Practitioner/b"}}]}
        """);

    List<Row> participants = rows.rows().stream()
        .filter(row -> row.map().table().equals("msemr_careteamparticipant")).toList();
    List<Row> roles = rows.rows().stream()
        .filter(row -> row.map().table().equals("msemr_careteamparticipantrole")).toList();
    assertThat(participants).hasSize(2);
    assertThat(roles).extracting(row -> row.values().get("msemr_careteamparticipant"))
        .containsExactly(participants.get(0).key(), participants.get(0).key(), participants.get(1).key());
    assertThat(rows.rows().stream().map(Row::key).distinct()).hasSize(rows.rows().size());
  }

  @Test
  void aValueThatDoesNotFitItsColumnNamesTheMapAndTheAttribute() {
    MapSet maps = TestMaps.of("odd", """
        {"resource": "Patient", "table": "odd", "attributes": [
          {"column": "odd_name", "path": "name"},
          {"column": "odd_born", "path": "birthDate", "type": "integer"}]}
        """);

    assertThatThrownBy(() -> mapper.rows(maps, maps.root("Patient"), mapper.parse(json("""
        {"resourceType": "Patient", "id": "p2", "name": [{"family": "X"}]}"""))))
        .isInstanceOf(MappingException.class)
        .hasMessage("Patient/p2: odd.json attributes[0] (odd_name, path name) gives a HumanName, not a primitive"
            + " value: add the element to read (.value, .code, .given.first())");
  }

  @Test
  void aDefaultFillsWhatThePathLeavesEmptyAndAValueMapFallsBackToItsValue() throws Exception {
    MapSet maps = TestMaps.of("defaults", """
        {"resource": "Patient", "table": "defaults", "attributes": [
          {"column": "origin", "action": "default", "value": "fhir"},
          {"column": "language", "path": "communication.language.text", "action": "default", "value": "en"},
          {"column": "sex", "path": "gender", "action": "value", "type": "integer", "values": {"male": 1}, "value": 0}]}
        """);

    Rows rows = mapper.rows(maps, maps.root("Patient"), mapper.parse(json("""
        {"resourceType": "Patient", "id": "p3", "gender": "other"}""")));

    assertThat(rows.root().values()).containsEntry("origin", "fhir").containsEntry("language", "en")
        .containsEntry("sex", 0);
    assertThat(rows.root().key()).isEqualTo(UUID.nameUUIDFromBytes("resource:Patient/p3".getBytes()));
  }

  @Test
  void aPrimitiveWithOnlyAnExtensionHasNoValueSoItsColumnIsNull() throws Exception {
    MapSet maps = TestMaps.of("absent", """
        {"resource": "Patient", "table": "absent", "attributes": [
          {"column": "born_on", "path": "birthDate", "type": "date"},
          {"column": "born_at", "path": "birthDate", "type": "datetime"},
          {"column": "born_text", "path": "birthDate"},
          {"column": "sex", "path": "gender", "action": "value", "type": "integer", "values": {"male": 1}, "value": 0},
          {"column": "sex_code", "path": "gender", "action": "codeableconcept"},
          {"column": "sex_or", "path": "gender", "action": "default", "value": "unknown"},
          {"column": "active", "path": "active", "type": "boolean"},
          {"column": "births", "path": "multipleBirth", "type": "integer"},
          {"column": "births_decimal", "path": "multipleBirth", "type": "decimal"}]}
        """);
    String absent = """
        {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                        "valueCode": "unknown"}]}""";

    Rows rows = mapper.rows(maps, maps.root("Patient"), mapper.parse(json("""
        {"resourceType": "Patient", "id": "p5", "birthDate": null, "_birthDate": %1$s, "_gender": %1$s,
         "_active": %1$s, "_multipleBirthInteger": %1$s}""".formatted(absent))));

    assertThat(rows.root().values()).containsEntry("born_on", null).containsEntry("born_at", null)
        .containsEntry("born_text", null).containsEntry("sex", null).containsEntry("sex_code", null)
        .containsEntry("sex_or", "unknown").containsEntry("active", null).containsEntry("births", null)
        .containsEntry("births_decimal", null);
    assertThat(rows.concepts()).isEmpty();
  }

  private Rows map(String resource) throws Exception {
    var parsed = mapper.parse(json(resource));
    return mapper.rows(DEFAULTS, DEFAULTS.root(parsed.fhirType()), parsed);
  }

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
