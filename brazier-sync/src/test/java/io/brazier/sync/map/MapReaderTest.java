package io.brazier.sync.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirPath;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MapReaderTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final MapReader READER = new MapReader(FHIR, new FhirPath(FHIR));

  @Test
  void aMapIsReadWithEveryFieldAndItsDefaults() {
    EntityMap map = read("appointment.json", """
        {"resource": "Appointment", "table": "msemr_appointmentemr", "writeBack": true, "messages": ["Update"],
         "onDelete": "deactivate", "discriminator": {"column": "msemr_kind", "value": "EMR"},
         "attributes": [
           {"column": "msemr_status", "path": "status", "required": true,
            "element": {"s": "$.status", "c": {"p": "status", "a": [{"status": "%"}, {"reference": "%%%"}]}}},
           {"column": "msemr_minutes", "path": "minutesDuration", "type": "integer"},
           {"column": "msemr_patient", "path": "participant.actor.first()", "action": "lookup"},
           {"action": "expand", "path": "slot", "map": "appointment-slot"}]}
        """);

    assertThat(map.name()).isEqualTo("appointment");
    assertThat(map.enabled()).isTrue();
    assertThat(map.writeBack()).isTrue();
    assertThat(map.messages()).containsExactly(EntityMap.Message.UPDATE);
    assertThat(map.onDelete()).isEqualTo(EntityMap.OnDelete.DEACTIVATE);
    assertThat(map.discriminator()).isEqualTo(new EntityMap.Discriminator("msemr_kind", "EMR"));
    assertThat(map.isExpansion()).isFalse();
    assertThat(map.columns()).extracting(AttributeMap::column)
        .containsExactly("msemr_status", "msemr_minutes", "msemr_patient");
    assertThat(map.columns()).extracting(AttributeMap::type)
        .containsExactly(ColumnType.STRING, ColumnType.INTEGER, ColumnType.UUID);
    AttributeMap status = map.attributes().get(0);
    assertThat(status.required()).isTrue();
    assertThat(status.element().select()).isEqualTo("$.status");
    assertThat(status.element().create().assignments()).extracting(ElementMap.Assignment::placeholder)
        .containsExactly(ElementMap.Placeholder.VALUE, ElementMap.Placeholder.REFERENCE);
    assertThat(map.expansions()).extracting(AttributeMap::map).containsExactly("appointment-slot");
  }

  @Test
  void writeBackMayBeAllowedToCreateUpdateAndDeleteInFhir() {
    EntityMap map = read("slot.json", """
        {"resource": "Slot", "table": "msemr_slot", "writeBack": true, "messages": ["Create", "Update", "Delete"],
         "attributes": [{"column": "msemr_status", "path": "status"}]}
        """);

    assertThat(map.messages()).containsExactlyInAnyOrder(EntityMap.Message.CREATE, EntityMap.Message.UPDATE,
        EntityMap.Message.DELETE);
  }

  @Test
  void aMapLeftAtItsDefaultsIsEnabledCreatesAndUpdatesAndDeletesRows() {
    EntityMap map = read("device.json", """
        {"resource": "Device", "table": "msemr_device", "attributes": [{"column": "msemr_status", "path": "status"}]}
        """);

    assertThat(map.enabled()).isTrue();
    assertThat(map.writeBack()).isFalse();
    assertThat(map.messages()).isEqualTo(Set.of(EntityMap.Message.CREATE, EntityMap.Message.UPDATE));
    assertThat(map.onDelete()).isEqualTo(EntityMap.OnDelete.DELETE);
    assertThat(map.keyColumn()).isEqualTo("msemr_deviceid");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not json            | {"resource": |                                                                                        bad.json: is not JSON
      an unknown field    | {"resource": "Device", "table": "t", "colour": 1, "attributes": [{"column": "c", "path": "id"}]} | bad.json: colour: is not a field of an entity map
      not a resource type | {"resource": "Devise", "table": "t", "attributes": [{"column": "c", "path": "id"}]}              | bad.json: resource: 'Devise' is not an R4 resource type
      a table not SQL     | {"resource": "Device", "table": "t; drop", "attributes": [{"column": "c", "path": "id"}]}       | bad.json: table: 't; drop' is not a table or column name
      no attributes       | {"resource": "Device", "table": "t"}                                                              | bad.json: attributes: is missing
      a column missing    | {"resource": "Device", "table": "t", "attributes": [{"path": "id"}]}                              | bad.json: attributes[0].column: is missing
      a bad FHIRPath      | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "status.where("}]}    | bad.json: attributes[0].path: 'status.where(' is not a valid FHIRPath expression
      an unknown action   | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "id", "action": "copie"}]} | bad.json: attributes[0].action: 'copie' is not one of copy, default, value
      an unknown type     | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "id", "type": "text"}]} | bad.json: attributes[0].type: 'text' is not one of string
      a lookup not a key  | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "patient", "action": "lookup", "type": "string"}]} | bad.json: attributes[0].type: must be uuid (or left out) for the lookup action
      a default of no value | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "action": "default"}]}       | bad.json: attributes[0].value: is missing
      a value map of no values | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "status", "action": "value"}]} | bad.json: attributes[0].values: is missing
      a value of the wrong type | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "status", "action": "value", "type": "integer", "values": {"active": "one"}}]} | bad.json: attributes[0].values.active: 'one' is not an integer
      an expansion of no map | {"resource": "Device", "table": "t", "attributes": [{"action": "expand", "path": "udiCarrier"}]} | bad.json: attributes[0].map: is missing
      an element without $ | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "status", "element": {"s": "status"}}]} | bad.json: attributes[0].element.s: 'status' is not a JSONPath from the resource
      a template of two children in one | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "status", "element": {"s": "$.status", "c": {"p": "x", "a": [{"a": "%", "b": "%"}]}}}]} | bad.json: attributes[0].element.c.a[0]: is not an object of one child
      a message unknown   | {"resource": "Device", "table": "t", "messages": ["Patch"], "attributes": [{"column": "c", "path": "id"}]} | bad.json: messages[0]: 'Patch' is not Create, Update or Delete
      an onDelete unknown | {"resource": "Device", "table": "t", "onDelete": "purge", "attributes": [{"column": "c", "path": "id"}]} | bad.json: onDelete: 'purge' is not delete or deactivate
      enabled not boolean | {"resource": "Device", "table": "t", "enabled": "yes", "attributes": [{"column": "c", "path": "id"}]} | bad.json: enabled: is not true or false
      """)
  void aBadMapIsRefusedNamingTheFileAndTheField(String problem, String json, String message) {
    assertThatThrownBy(() -> read("bad.json", json)).isInstanceOf(MapException.class).hasMessageStartingWith(message);
  }

  private static EntityMap read(String file, String json) {
    return READER.read(file, json.getBytes(StandardCharsets.UTF_8));
  }
}
