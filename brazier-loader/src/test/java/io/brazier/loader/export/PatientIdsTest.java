package io.brazier.loader.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.loader.send.Json;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PatientIdsTest {
  private final Set<String> ids = new LinkedHashSet<>();

  @Test
  void aFieldGivesThePatientsItRefersToInArraysAndAbsoluteOrVersionedReferences() throws IOException {
    PatientIds.collect(resource("""
        {"resourceType":"Coverage","id":"c","beneficiary":{"reference":"https://fhir.example/Patient/p1/_history/3"},
         "payor":[{"reference":"Organization/o"},{"reference":"Patient/p2"}]}"""), "Coverage", "beneficiary", ids);
    PatientIds.collect(resource("""
        {"resourceType":"Coverage","id":"d","payor":[{"reference":"Organization/o"},{"reference":"Patient/p2"}]}"""),
        "Coverage", "payor", ids);

    assertThat(ids).containsExactly("p1", "p2");
  }

  @Test
  void aDottedFieldWalksIntoElements() throws IOException {
    PatientIds.collect(resource("""
        {"resourceType":"Claim","id":"c","item":[{"encounter":[{"reference":"Patient/p3"}]}]}"""), "Claim",
        "item.encounter", ids);

    assertThat(ids).containsExactly("p3");
  }

  @Test
  void aGroupGivesItsMembersAndIncludedResourcesArePassedOver() throws IOException {
    PatientIds.collect(resource("""
        {"resourceType":"Group","id":"g","member":[{"entity":{"reference":"Patient/p4"}},
         {"entity":{"reference":"Device/d"}}]}"""), "Group", "id", ids);
    PatientIds.collect(resource("{\"resourceType\":\"Organization\",\"id\":\"o\"}"), "Coverage", "beneficiary", ids);

    assertThat(ids).containsExactly("p4");
  }

  @Test
  void aGroupsInactiveMembersAreNoLongerInItAndAreLeftOutAsGroupExportLeavesThem() throws IOException {
    PatientIds.collect(resource("""
        {"resourceType":"Group","id":"g","member":[{"entity":{"reference":"Patient/p5"},"inactive":false},
         {"entity":{"reference":"Patient/gone"},"inactive":true},{"entity":{"reference":"Patient/p6"}}]}"""),
        "Group", "id", ids);

    assertThat(ids).containsExactly("p5", "p6");
  }

  @Test
  void idOfAnotherTypeThanPatientAsksForThePatientField() {
    assertThatThrownBy(() -> PatientIds.collect(resource("{\"resourceType\":\"Coverage\",\"id\":\"c\"}"), "Coverage",
        "id", ids)).hasMessageContaining("The query returns Coverage, not Patient: give --patient-field");
  }

  private static ObjectNode resource(String json) throws IOException {
    return Json.parse(json.getBytes());
  }
}
