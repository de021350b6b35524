package io.brazier.sync.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.sync.TestMaps;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The built-in patient map written back: a contact row's changed columns into a Patient. */
class ResourcePatcherTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final MapSet DEFAULTS = TestMaps.builtIn();
  private static final EntityMap PATIENT = DEFAULTS.map("patient");
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final ResourcePatcher.References NO_ROWS = key -> null;
  private final Mapper mapper = new Mapper(FHIR);

  @Test
  void aMobileNumberIsAddedBesideTheHomePhoneFromItsTemplate() throws Exception {
    ObjectNode patient = patient();
    ObjectNode row = row(patient).put("mobilephone", "555-0100");

    ResourcePatcher.Patched patched = patch(patient, row, "mobilephone");

    assertThat(patched.columns()).containsExactly("mobilephone");
    assertThat(patched.resource().path("telecom")).hasSize(2);
    assertThat(patched.resource().at("/telecom/0/use").asText()).isEqualTo("home");
    assertThat(patched.resource().at("/telecom/1")).isEqualTo(json(
        "{\"system\": \"phone\", \"use\": \"mobile\", \"value\": \"555-0100\"}"));
    assertThat(patient.path("telecom")).as("the resource given is left alone").hasSize(1);
  }

  @Test
  void valuesAreSetWhereTheyAreAndChoicesAndDatesGoBackToFhirs() throws Exception {
    ObjectNode patient = patient();
    ObjectNode row = row(patient).put("lastname", "Renamed").put("gendercode", 2).put("birthdate", "1980-05-01")
        .put("msemr_active", false);

    ResourcePatcher.Patched patched = patch(patient, row, "lastname", "gendercode", "birthdate", "msemr_active");

    assertThat(patched.resource().at("/name/0/family").asText()).isEqualTo("Renamed");
    assertThat(patched.resource().path("gender").asText()).isEqualTo("female");
    assertThat(patched.resource().path("birthDate").asText()).isEqualTo("1980-05-01");
    assertThat(patched.resource().path("active").isBoolean()).isTrue();
    assertThat(patched.resource().path("active").asBoolean()).isFalse();
  }

  @Test
  void onlyChangedColumnsThatDifferFromFhirAreWritten() throws Exception {
    ObjectNode patient = patient();
    ObjectNode row = row(patient).put("address1_city", "Elsewhere");

    assertThat(patch(patient, row, "lastname", "address1_city").columns()).containsExactly("address1_city");
    assertThat(patch(patient, row, "lastname", "telephone1").columns()).as("not changed, or what FHIR has").isEmpty();
  }

  @Test
  void anEmptiedColumnRemovesItsElementAndWhatItLeavesEmpty() throws Exception {
    ObjectNode patient = patient();
    ObjectNode row = row(patient).putNull("telephone1");

    ResourcePatcher.Patched patched = patch(patient, row, "telephone1");

    assertThat(patched.resource().at("/telecom/0/value").isMissingNode()).isTrue();
    assertThat(patched.resource().at("/telecom/0/use").asText()).isEqualTo("home");
  }

  @Test
  void aLookupIsWrittenAsTheReferenceOfTheRowItsKeyNames() throws Exception {
    ObjectNode patient = patient();
    UUID organization = Keys.row("Organization", "org-7");
    ObjectNode row = row(patient).put("msemr_managingorganization", organization.toString());

    ResourcePatcher.Patched patched = ResourcePatcher.patch(PATIENT, patient, fhirValues(patient), row,
        Set.of("msemr_managingorganization"), key -> key.equals(organization) ? "Organization/org-7" : null);

    assertThat(patched.resource().path("managingOrganization")).isEqualTo(json(
        "{\"reference\": \"Organization/org-7\"}"));
    assertThatThrownBy(() -> ResourcePatcher.patch(PATIENT, patient, fhirValues(patient), row,
        Set.of("msemr_managingorganization"), NO_ROWS)).isInstanceOf(MappingException.class)
        .hasMessageContaining("contact.msemr_managingorganization: no row of the target has the key " + organization);
  }

  @Test
  void aRequiredColumnLeftEmptyOrAValueNoChoiceListsIsRefusedNamingTheColumn() throws Exception {
    ObjectNode patient = patient();

    assertThatThrownBy(() -> patch(patient, row(patient).putNull("lastname"), "firstname"))
        .isInstanceOf(MappingException.class).hasMessage("contact.lastname is required to write Patient back, and it"
            + " is empty");
    assertThatThrownBy(() -> patch(patient, row(patient).put("gendercode", 9), "gendercode"))
        .isInstanceOf(MappingException.class).hasMessageContaining("contact.gendercode: 9 is none of the values");
  }

  /**
   * A template whose parent runs through {@code gender}, a primitive, cannot be made in any patient that has one:
   * the map's error, refused naming the column as the others are, not a failure that trying again could mend.
   */
  @Test
  void anElementPathThatCannotBeMadeInTheResourceIsRefusedNamingTheColumn() throws Exception {
    EntityMap throughGender = TestMaps.of("patient", """
        {"resource": "Patient", "table": "contact", "writeBack": true, "attributes": [
          {"column": "mobilephone", "path": "telecom.where(use='mobile').value.first()",
           "element": {"s": "$.gender.telecom[0].value", "c": {"p": "gender.telecom[0]", "a": [{"value": "%"}]}}}]}
        """).map("patient");
    ObjectNode patient = patient();
    ObjectNode row = JSON.createObjectNode().put("mobilephone", "555-0100");

    assertThatThrownBy(() -> ResourcePatcher.patch(throughGender, patient, Map.of(), row, Set.of("mobilephone"),
        NO_ROWS)).isInstanceOf(MappingException.class)
        .hasMessage("contact.mobilephone: 'gender.telecom[0]' cannot be made in this resource");
  }

  @Test
  void aRowThatTellsOnlyItsValuesDiffersFromTheVersionItWasSyncedFromInTheColumnsTheTargetChanged()
      throws Exception {
    ObjectNode synced = patient();
    ObjectNode row = row(synced).put("mobilephone", "555-0100").put("address1_city", "Elsewhere")
        .put("msemr_azurefhirversion", 7);

    assertThat(ResourcePatcher.differing(PATIENT, fhirValues(synced), row))
        .as("only columns written back; the version is the agent's").containsExactly("mobilephone", "address1_city");
    assertThat(ResourcePatcher.differing(PATIENT, fhirValues(synced), row(synced)))
        .as("the agent's own write of that version").isEmpty();
  }

  private ResourcePatcher.Patched patch(ObjectNode patient, ObjectNode row, String... changed) throws Exception {
    return ResourcePatcher.patch(PATIENT, patient, fhirValues(patient), row, Set.of(changed), NO_ROWS);
  }

  private Map<String, Object> fhirValues(ObjectNode patient) {
    return mapper.rows(DEFAULTS, PATIENT, mapper.parse(patient)).root().values();
  }

  /** The contact row as the target has it: what the patient maps to, as PostgreSQL's to_jsonb writes it. */
  private ObjectNode row(ObjectNode patient) {
    ObjectNode row = JSON.createObjectNode();
    fhirValues(patient).forEach((column, value) -> row.put(column, value == null ? null : value.toString()));
    row.put("gendercode", 1).put("msemr_active", true).put("msemr_azurefhirversion", 1);
    return row;
  }

  private static ObjectNode patient() throws Exception {
    return json("""
        {"resourceType": "Patient", "id": "p1", "meta": {"versionId": "1", "lastUpdated": "2024-05-01T10:00:00Z"},
         "active": true, "name": [{"use": "official", "family": "Chalmers", "given": ["Peter"]}],
         "telecom": [{"system": "phone", "value": "555-1111", "use": "home"}],
         "gender": "male", "birthDate": "1974-12-25",
         "address": [{"line": ["534 Erewhon St"], "city": "PleasantVille", "state": "Vic", "postalCode": "3999"}]}""");
  }

  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) JSON.readTree(text);
  }
}
