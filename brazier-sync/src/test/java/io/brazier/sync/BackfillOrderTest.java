package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BackfillOrderTest {

  @Test
  void typesThatOthersPointToComeFirstThenTheRestByName() {
    List<String> ordered = BackfillOrder.of(List.of("Observation", "CarePlan", "Encounter", "AllergyIntolerance",
        "Patient", "CareTeam", "Location", "Organization", "Practitioner"));

    assertThat(ordered).containsExactly("Organization", "Location", "Practitioner", "Patient", "Encounter",
        "CareTeam", "AllergyIntolerance", "CarePlan", "Observation");
  }

  @Test
  void eachTypeOfTheBuiltInMapsComesAfterTheTypesItsLookupsPointTo() {
    List<String> ordered = BackfillOrder.of(List.of("Claim", "Condition", "Device", "DiagnosticReport",
        "Encounter", "Location", "Organization", "Patient", "Practitioner", "CareTeam", "CarePlan"));

    assertThat(ordered.indexOf("Organization")).isLessThan(ordered.indexOf("Location"));
    assertThat(ordered.indexOf("Patient")).isLessThan(ordered.indexOf("Encounter"));
    assertThat(ordered.indexOf("Location")).isLessThan(ordered.indexOf("Encounter"));
    assertThat(ordered.indexOf("Encounter")).isLessThan(ordered.indexOf("Condition"));
    assertThat(ordered.indexOf("Encounter")).isLessThan(ordered.indexOf("CareTeam"));
    assertThat(ordered.indexOf("CareTeam")).isLessThan(ordered.indexOf("CarePlan"));
    assertThat(ordered.indexOf("Practitioner")).isLessThan(ordered.indexOf("DiagnosticReport"));
    assertThat(ordered.indexOf("Organization")).isLessThan(ordered.indexOf("Claim"));
  }
}
