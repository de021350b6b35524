package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Operations.Definition;
import io.brazier.server.interaction.Operations.Level;
import io.brazier.server.interaction.Operations.Operation;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The operations the server declares: found by name, level and type, and listed per level, as the route table and
 * the CapabilityStatement read them. https://hl7.org/fhir/R4/operations.html
 */
class OperationsTest {
  private static final Interaction ANSWER = request -> FhirResponse.empty(200);

  private final Operations operations = new Operations();

  OperationsTest() {
    operations.add(definition("expand"), Operations.TYPE_AND_INSTANCE, Set.of("ValueSet"),
        Operations.GET_OR_POST, ANSWER);
    operations.add(definition("export"), Operations.ALL_LEVELS, Set.of("Patient", "Group"), Operations.GET, ANSWER);
    operations.add(definition("validate"), Operations.ALL_LEVELS, Operations.ANY_TYPE, Operations.POST, ANSWER);
    operations.add(definition("everything"), EnumSet.of(Level.INSTANCE), Set.of("Patient"), Operations.GET, ANSWER);
  }

  @Test
  void anOperationIsFoundByItsNameWithTheDollarAtItsLevelForItsTypes() {
    assertThat(operations.find(Level.TYPE, "ValueSet", "$expand")).isNotNull();
    assertThat(operations.find(Level.INSTANCE, "ValueSet", "$expand")).isNotNull();
    assertThat(operations.find(Level.TYPE, "ValueSet", "expand")).as("without the $").isNull();
    assertThat(operations.find(Level.TYPE, "CodeSystem", "$expand")).as("another type").isNull();
    assertThat(operations.find(Level.SYSTEM, null, "$expand")).as("another level").isNull();
    assertThat(operations.find(Level.TYPE, "Patient", "$everything")).isNull();
  }

  @Test
  void noTypesMeansEveryTypeAndTheSystemLevelHasNoType() {
    assertThat(operations.find(Level.TYPE, "Observation", "$validate")).isNotNull();
    assertThat(operations.find(Level.SYSTEM, null, "$validate")).isNotNull();
    assertThat(operations.find(Level.SYSTEM, null, "$export")).as("types limit only type and instance levels")
        .isNotNull();
    assertThat(operations.find(Level.TYPE, "Observation", "$export")).isNull();
  }

  @Test
  void anOperationTakesItsMethodsAndHeadAsGet() {
    Operation expand = operations.find(Level.TYPE, "ValueSet", "$expand");
    Operation validate = operations.find(Level.SYSTEM, null, "$validate");

    assertThat(expand.takes("GET")).isTrue();
    assertThat(expand.takes("HEAD")).isTrue();
    assertThat(expand.takes("POST")).isTrue();
    assertThat(expand.takes("DELETE")).isFalse();
    assertThat(validate.takes("GET")).isFalse();
    assertThat(validate.takes("HEAD")).isFalse();
  }

  @Test
  void theListsPerLevelAndTypeHoldWhatIsInvokedThere() {
    assertThat(operations.system()).extracting(Operation::name).containsExactly("$export", "$validate");
    assertThat(operations.forType("Patient")).extracting(Operation::name)
        .containsExactly("$export", "$validate", "$everything");
    assertThat(operations.forType("ValueSet")).extracting(Operation::name).containsExactly("$expand", "$validate");
    assertThat(operations.all()).hasSize(4);
  }

  private static Definition definition(String name) {
    return new Definition(name, "http://hl7.org/fhir/OperationDefinition/" + name);
  }
}
