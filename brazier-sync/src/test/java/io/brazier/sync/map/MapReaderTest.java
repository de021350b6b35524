package io.brazier.sync.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

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
      an array, not an object | [{"resource": "Device"}]                                                                   | bad.json: is not a JSON object
      a resource missing  | {"table": "t", "attributes": [{"column": "c", "path": "id"}]}                                      | bad.json: resource: is missing
      a blank table       | {"resource": "Device", "table": " ", "attributes": [{"column": "c", "path": "id"}]}              | bad.json: table: is not a non-empty string
      a table of capitals | {"resource": "Device", "table": "Contact", "attributes": [{"column": "c", "path": "id"}]}         | bad.json: table: 'Contact' is not a table or column name
      a column too long   | {"resource": "Device", "table": "t", "attributes": [{"column": "c123456789012345678901234567890123456789012345678901234567890123", "path": "id"}]} | bad.json: attributes[0].column: 'c123456789012345678901234567890123456789012345678901234567890123' is not a table or column name
      empty attributes    | {"resource": "Device", "table": "t", "attributes": []}                                            | bad.json: attributes: is missing
      an attribute not an object | {"resource": "Device", "table": "t", "attributes": ["status"]}                             | bad.json: attributes[0]: is not an object
      an unknown attribute field | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "id", "colum": "d"}]} | bad.json: attributes[0].colum: is not a field of this object
      a path of a number  | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": 3}]}                  | bad.json: attributes[0].path: is not a non-empty string
      a map on a copy     | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "id", "map": "m"}]}   | bad.json: attributes[0].map: is only for the expand action
      a codeable concept not a key | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "type", "action": "codeableconcept", "type": "string"}]} | bad.json: attributes[0].type: must be uuid (or left out) for the codeableconcept action
      a default of the wrong type | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "action": "default", "type": "boolean", "value": "maybe"}]} | bad.json: attributes[0].value: 'maybe' is not
      required not boolean | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "id", "required": 1}]} | bad.json: attributes[0].required: is not true or false
      an element not an object | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "status", "element": "$.status"}]} | bad.json: attributes[0].element: is not an object
      an element field unknown | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "status", "element": {"s": "$.status", "x": 1}}]} | bad.json: attributes[0].element.x: is not a field of this object; the fields are c, s
      a template not an object | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "status", "element": {"s": "$.status", "c": "status"}}]} | bad.json: attributes[0].element.c: is not an object
      a template of no children | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "status", "element": {"s": "$.status", "c": {"p": "x"}}}]} | bad.json: attributes[0].element.c.a: is missing
      a template of no parent | {"resource": "Device", "table": "t", "attributes": [{"column": "c", "path": "status", "element": {"s": "$.status", "c": {"a": []}}}]} | bad.json: attributes[0].element.c.p: is missing
      messages not an array | {"resource": "Device", "table": "t", "messages": "Create", "attributes": [{"column": "c", "path": "id"}]} | bad.json: messages: is not an array
      messages in lower case | {"resource": "Device", "table": "t", "messages": ["Create", "update"], "attributes": [{"column": "c", "path": "id"}]} | bad.json: messages[1]: 'update' is not Create, Update or Delete
      a discriminator not an object | {"resource": "Device", "table": "t", "discriminator": "Device", "attributes": [{"column": "c", "path": "id"}]} | bad.json: discriminator: is not an object
      a discriminator of no value | {"resource": "Device", "table": "t", "discriminator": {"column": "kind"}, "attributes": [{"column": "c", "path": "id"}]} | bad.json: discriminator.value: is missing
      a discriminator field unknown | {"resource": "Device", "table": "t", "discriminator": {"column": "kind", "value": "D", "values": 1}, "attributes": [{"column": "c", "path": "id"}]} | bad.json: discriminator.values: is not a field of this object
      a parent link not SQL | {"resource": "Device", "table": "t", "parentLink": "parent-id", "attributes": [{"column": "c", "path": "id"}]} | bad.json: parentLink: 'parent-id' is not a table or column name
      """)
  void aBadMapIsRefusedNamingTheFileAndTheField(String problem, String json, String message) {
    assertThatThrownBy(() -> read("bad.json", json)).isInstanceOf(MapException.class).hasMessageStartingWith(message);
  }

  @Test
  void aFieldGivenTwiceIsRefusedRatherThanTheFirstSilentlyIgnored() {
    assertThatThrownBy(() -> read("twice.json", """
        {"resource": "Device", "table": "msemr_device",
         "attributes": [{"column": "msemr_status", "path": "status", "path": "statusReason"}]}
        """)).isInstanceOf(MapException.class)
        .hasMessageStartingWith("twice.json: is not JSON")
        .hasMessageContaining("'path'")
        .hasMessageContaining("line 2");
  }

  @Test
  void aMapOfUnicodeDescriptionsAndAByteOrderMarkIsRead() {
    byte[] withBom = ("\uFEFF" + """
        {"resource": "Device", "table": "msemr_device", "description": "Gerät – ÄÖÜ 日本",
         "attributes": [{"column": "msemr_status", "path": "status", "description": "État"}]}
        """).getBytes(StandardCharsets.UTF_8);

    EntityMap map = READER.read("device.json", withBom);

    assertThat(map.table()).isEqualTo("msemr_device");
  }

  @Test
  void aFileWithoutJsonInItsNameIsNamedAsItIs() {
    EntityMap map = read("device", """
        {"resource": "Device", "table": "msemr_device", "attributes": [{"column": "msemr_status", "path": "status"}]}
        """);

    assertThat(map.name()).isEqualTo("device");
  }

  @Test
  void lookupsAndCodeableConceptsWriteKeysAndExpansionsNoColumn() {
    EntityMap map = read("encounter.json", """
        {"resource": "Encounter", "table": "msemr_encounter", "attributes": [
          {"column": "msemr_patient", "path": "subject", "action": "LOOKUP"},
          {"column": "msemr_class", "path": "type.first()", "action": "codeableconcept", "type": "uuid"},
          {"column": "msemr_status", "path": "status", "action": "value", "values": {"finished": 1, "planned": 2},
           "type": "integer"},
          {"column": "msemr_source", "action": "default", "value": "fhir"},
          {"action": "expand", "path": "participant", "map": "encounter-participant"}]}
        """);

    assertThat(map.columns()).extracting(AttributeMap::type)
        .containsExactly(ColumnType.UUID, ColumnType.UUID, ColumnType.INTEGER, ColumnType.STRING);
    assertThat(map.columns()).extracting(AttributeMap::action).containsExactly(AttributeMap.Action.LOOKUP,
        AttributeMap.Action.CODEABLECONCEPT, AttributeMap.Action.VALUE, AttributeMap.Action.DEFAULT);
    assertThat(map.attributes().get(2).values()).containsOnly(entry("finished", 1), entry("planned", 2));
    assertThat(map.attributes().get(3).value()).isEqualTo("fhir");
    assertThat(map.attributes().get(3).path()).isNull();
    assertThat(map.expansions()).singleElement().satisfies(expand -> {
      assertThat(expand.column()).isNull();
      assertThat(expand.map()).isEqualTo("encounter-participant");
    });
  }

  @Test
  void anExpansionNamesItsParentLinkAndAnElementMayCreateNothing() {
    EntityMap map = read("patient-identifier.json", """
        {"resource": "Patient", "table": "msemr_medicalidentifier", "parentLink": "msemr_patient", "enabled": false,
         "attributes": [{"column": "msemr_value", "path": "value", "element": {"s": "$.value", "c": null}}]}
        """);

    assertThat(map.isExpansion()).isTrue();
    assertThat(map.parentLink()).isEqualTo("msemr_patient");
    assertThat(map.enabled()).isFalse();
    assertThat(map.attributes().get(0).element()).isEqualTo(new ElementMap("$.value", null));
  }

  @Test
  void theErrorCarriesTheFileAndTheFieldApart() {
    assertThatThrownBy(() -> read("contact.json", """
        {"resource": "Patient", "table": "contact", "attributes": [{"column": "c", "path": "name.where("}]}
        """)).isInstanceOfSatisfying(MapException.class, e -> {
          assertThat(e.file()).isEqualTo("contact.json");
          assertThat(e.field()).isEqualTo("attributes[0].path");
        });
    assertThatThrownBy(() -> read("empty.json", "")).isInstanceOfSatisfying(MapException.class, e -> {
      assertThat(e.file()).isEqualTo("empty.json");
      assertThat(e.field()).isNull();
      assertThat(e.getMessage()).startsWith("empty.json: is not a JSON object");
    });
  }

  private static EntityMap read(String file, String json) {
    return READER.read(file, json.getBytes(StandardCharsets.UTF_8));
  }
}
