package io.brazier.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The required bindings of base R4 on coded elements, checked on every write. HAPI's strict parser already rejects a
 * code outside the enumerations it generated; this covers the Coding, CodeableConcept and code elements it keeps as
 * free values (such as {@code Condition.clinicalStatus}). The bound elements and their codes come from a table made
 * from HAPI's R4 definitions when it was checked in ({@link RequiredBindingTable}); a type's bindings are resolved
 * against its model when a write of it first comes, so a check costs a microsecond. Bindings whose ValueSet cannot be
 * expanded exactly from HAPI's bundled definitions are not in the table: they are left to {@code $validate}.
 */
public final class RequiredBindings {
  private final Fhir fhir;
  private final RequiredBindingTable table;
  private final Map<String, List<Binding>> byType = new ConcurrentHashMap<>();

  /** A bound element: the children to walk from the resource to it, and the codes it admits. */
  private record Binding(RequiredBindingTable.Entry entry, List<BaseRuntimeChildDefinition> steps) {}

  public RequiredBindings(Fhir fhir) {
    this.fhir = fhir;
    this.table = RequiredBindingTable.load();
  }

  /** Throws a 400 that lists every coded value outside its required ValueSet. */
  public void check(Resource resource) {
    OperationOutcome outcome = new OperationOutcome();
    for (Binding binding : byType.computeIfAbsent(resource.fhirType(), this::resolve)) {
      RequiredBindingTable.Entry entry = binding.entry();
      for (IBase value : values(resource, binding.steps(), 0)) {
        if (!admits(entry.codes(), value)) {
          outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.CODEINVALID)
              .setDiagnostics(entry.path() + ": " + describe(value) + " is not in the required ValueSet "
                  + entry.valueSet() + ".")
              .addExpression(entry.path());
        }
      }
    }
    if (outcome.hasIssue()) {
      throw new FhirException(400, outcome);
    }
  }

  private List<Binding> resolve(String type) {
    List<Binding> bindings = new ArrayList<>();
    for (RequiredBindingTable.Entry entry : table.entries(type)) {
      List<BaseRuntimeChildDefinition> steps = steps(fhir, entry.path());
      if (steps == null) {
        throw new IllegalStateException(entry.path() + " is in the table of required bindings but not a coded"
            + " element of HAPI's model: the table was made from other definitions (see RequiredBindingTableTest)");
      }
      bindings.add(new Binding(entry, steps));
    }
    return List.copyOf(bindings);
  }

  /**
   * The model's children along a path such as {@code AllergyIntolerance.reaction.substance}, or null where HAPI
   * checks the element itself (an enumeration) or the path cannot be walked by name (a choice or a reference to
   * another element's definition).
   */
  static List<BaseRuntimeChildDefinition> steps(Fhir fhir, String path) {
    String[] names = path.split("\\.");
    BaseRuntimeElementDefinition<?> current = fhir.definition(names[0]);
    List<BaseRuntimeChildDefinition> steps = new ArrayList<>();
    for (int i = 1; i < names.length; i++) {
      if (!(current instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
        return null;
      }
      BaseRuntimeChildDefinition child = composite.getChildByName(names[i]);
      if (child == null) {
        return null;
      }
      steps.add(child);
      current = child.getChildByName(names[i]);
    }
    boolean enumeration = current != null && Enumeration.class.isAssignableFrom(current.getImplementingClass());
    return enumeration ? null : steps;
  }

  private static List<IBase> values(IBase element, List<BaseRuntimeChildDefinition> steps, int step) {
    List<IBase> children = steps.get(step).getAccessor().getValues(element);
    if (step == steps.size() - 1 || children.isEmpty()) {
      return children;
    }
    List<IBase> values = new ArrayList<>();
    for (IBase child : children) {
      values.addAll(values(child, steps, step + 1));
    }
    return values;
  }

  /** A CodeableConcept passes with one admitted coding, or with none coded at all (text only). */
  private static boolean admits(RequiredBindingTable.Codes codes, IBase value) {
    if (value instanceof CodeableConcept concept) {
      boolean coded = false;
      for (Coding coding : concept.getCoding()) {
        if (coding.hasCode()) {
          coded = true;
          if (codes.contains(coding.getSystem(), coding.getCode())) {
            return true;
          }
        }
      }
      return !coded;
    }
    if (value instanceof Coding coding) {
      return !coding.hasCode() || codes.contains(coding.getSystem(), coding.getCode());
    }
    return !(value instanceof CodeType code) || !code.hasValue() || codes.contains(null, code.getValue());
  }

  private static String describe(IBase value) {
    if (value instanceof CodeableConcept concept) {
      List<String> codings = new ArrayList<>();
      concept.getCoding().forEach(coding -> codings.add(describe(coding)));
      return String.join(", ", codings);
    }
    if (value instanceof Coding coding) {
      return (coding.hasSystem() ? coding.getSystem() + "|" : "") + coding.getCode();
    }
    return "'" + ((CodeType) value).getValue() + "'";
  }
}
