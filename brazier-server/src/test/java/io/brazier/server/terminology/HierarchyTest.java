package io.brazier.server.terminology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetFilterComponent;
import org.hl7.fhir.r4.model.ValueSet.FilterOperator;
import org.junit.jupiter.api.Test;

/**
 * The is-a hierarchy of a CodeSystem, from nested concepts and from the parent and child properties, as the
 * {@code :above} and {@code :below} modifiers and ValueSet filters read it. https://hl7.org/fhir/R4/codesystem.html
 *
 * <pre>
 * disorder
 * ├── infection          (nested)
 * │   ├── pneumonia      (nested)
 * │   └── sepsis         (parent property: infection)
 * └── injury             (child property of disorder)
 *     └── fracture       (nested)
 * finding
 * └── pneumonia          (child property: a second parent)
 * </pre>
 */
class HierarchyTest {
  private final Hierarchy hierarchy = new Hierarchy(codeSystem());

  @Test
  void everyConceptIsKnownWithItsDisplayWhereverItIsNested() {
    assertThat(hierarchy.all())
        .containsExactlyInAnyOrder("disorder", "infection", "pneumonia", "sepsis", "injury", "fracture", "finding");
    assertThat(hierarchy.display("fracture")).isEqualTo("Fracture");
    assertThat(hierarchy.display("unknown")).isNull();
    assertThat(hierarchy.concept("unknown")).isNull();
  }

  @Test
  void nestingAndPropertiesBothMakeParentsAndChildren() {
    assertThat(hierarchy.children("infection")).containsExactlyInAnyOrder("pneumonia", "sepsis");
    assertThat(hierarchy.children("disorder")).containsExactlyInAnyOrder("infection", "injury");
    assertThat(hierarchy.parents("pneumonia")).containsExactlyInAnyOrder("infection", "finding");
    assertThat(hierarchy.parents("disorder")).isEmpty();
  }

  @Test
  void belowIsTheCodeAndEveryCodeItSubsumes() {
    assertThat(hierarchy.below("disorder"))
        .containsExactlyInAnyOrder("disorder", "infection", "pneumonia", "sepsis", "injury", "fracture");
    assertThat(hierarchy.below("fracture")).containsExactly("fracture");
  }

  @Test
  void aboveIsTheCodeAndEveryCodeThatSubsumesItThroughAnyParent() {
    assertThat(hierarchy.above("pneumonia"))
        .containsExactlyInAnyOrder("pneumonia", "infection", "disorder", "finding");
  }

  @Test
  void aCycleDoesNotLoopForever() {
    CodeSystem cyclic = new CodeSystem();
    cyclic.addConcept().setCode("a").addProperty().setCode("parent").setValue(new CodeType("b"));
    cyclic.addConcept().setCode("b").addProperty().setCode("parent").setValue(new CodeType("a"));

    assertThat(new Hierarchy(cyclic).below("a")).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void isAIncludesTheCodeAndDescendentOfDoesNot() {
    assertThat(hierarchy.filter(filter(FilterOperator.ISA, "infection")))
        .containsExactlyInAnyOrder("infection", "pneumonia", "sepsis");
    assertThat(hierarchy.filter(filter(FilterOperator.DESCENDENTOF, "infection")))
        .containsExactlyInAnyOrder("pneumonia", "sepsis");
  }

  @Test
  void isNotAIsEveryCodeOutsideTheSubtree() {
    assertThat(hierarchy.filter(filter(FilterOperator.ISNOTA, "infection")))
        .containsExactlyInAnyOrder("disorder", "injury", "fracture", "finding");
  }

  @Test
  void equalsAndInSelectTheCodesNamed() {
    assertThat(hierarchy.filter(filter(FilterOperator.EQUAL, "sepsis"))).containsExactly("sepsis");
    assertThat(hierarchy.filter(filter(FilterOperator.IN, "sepsis,injury"))).containsExactly("sepsis", "injury");
  }

  @Test
  void aFilterOnAnotherPropertyOrWithAnotherOperationIsABadRequest() {
    ConceptSetFilterComponent onStatus = filter(FilterOperator.EQUAL, "active").setProperty("status");
    ConceptSetFilterComponent regex = filter(FilterOperator.REGEX, "pn.*");

    assertThatThrownBy(() -> hierarchy.filter(onStatus))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(() -> hierarchy.filter(regex))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  private static ConceptSetFilterComponent filter(FilterOperator op, String value) {
    return new ConceptSetFilterComponent().setProperty("concept").setOp(op).setValue(value);
  }

  private static CodeSystem codeSystem() {
    CodeSystem codeSystem = new CodeSystem().setUrl("http://example.org/conditions");
    ConceptDefinitionComponent disorder = codeSystem.addConcept().setCode("disorder").setDisplay("Disorder");
    ConceptDefinitionComponent infection = disorder.addConcept().setCode("infection").setDisplay("Infection");
    infection.addConcept().setCode("pneumonia").setDisplay("Pneumonia");
    disorder.addProperty().setCode("child").setValue(new CodeType("injury"));
    codeSystem.addConcept().setCode("sepsis").setDisplay("Sepsis")
        .addProperty().setCode("parent").setValue(new CodeType("infection"));
    codeSystem.addConcept().setCode("injury").setDisplay("Injury")
        .addConcept().setCode("fracture").setDisplay("Fracture");
    codeSystem.addConcept().setCode("finding").setDisplay("Finding")
        .addProperty().setCode("child").setValue(new CodeType("pneumonia"));
    return codeSystem;
  }
}
