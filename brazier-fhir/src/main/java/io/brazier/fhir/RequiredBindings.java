package io.brazier.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.Enumerations.BindingStrength;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * The required bindings of base R4 on coded elements, checked on every write. HAPI's strict parser already rejects a
 * code outside the enumerations it generated; this covers the Coding, CodeableConcept and code elements it keeps as
 * free values (such as {@code Condition.clinicalStatus}). A type's bound elements are found once, from its
 * StructureDefinition, and each ValueSet is expanded once ({@link ValueSetCodes}), so a check costs a microsecond.
 * Bindings whose ValueSet cannot be expanded from HAPI's bundled definitions are left to {@code $validate}.
 */
public final class RequiredBindings {
  private final Fhir fhir;
  private final ValueSetCodes valueSets;
  private volatile CompletableFuture<Map<String, List<Binding>>> byType;

  /** A bound element: the children to walk from the resource to it, and the codes it admits. */
  private record Binding(String path, List<BaseRuntimeChildDefinition> steps, String valueSet,
      ValueSetCodes.Codes codes) {}

  public RequiredBindings(Fhir fhir) {
    this.fhir = fhir;
    this.valueSets = new ValueSetCodes(fhir.context().getValidationSupport());
  }

  /** Starts finding the bindings in the background: reading the R4 definitions takes seconds. */
  public void warmUp() {
    compiled();
  }

  /** Throws a 400 that lists every coded value outside its required ValueSet. */
  public void check(Resource resource) {
    OperationOutcome outcome = new OperationOutcome();
    for (Binding binding : bindings(resource.fhirType())) {
      for (IBase value : values(resource, binding.steps(), 0)) {
        if (!admits(binding.codes(), value)) {
          outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.CODEINVALID)
              .setDiagnostics(binding.path() + ": " + describe(value) + " is not in the required ValueSet "
                  + binding.valueSet() + ".")
              .addExpression(binding.path());
        }
      }
    }
    if (outcome.hasIssue()) {
      throw new FhirException(400, outcome);
    }
  }

  private List<Binding> bindings(String type) {
    return compiled().join().getOrDefault(type, List.of());
  }

  /** The bindings of every type, found once; a check before {@link #warmUp()} has finished waits for them. */
  private CompletableFuture<Map<String, List<Binding>>> compiled() {
    CompletableFuture<Map<String, List<Binding>>> compiled = byType;
    if (compiled == null) {
      synchronized (this) {
        if (byType == null) {
          byType = CompletableFuture.supplyAsync(this::compileAll);
        }
        compiled = byType;
      }
    }
    return compiled;
  }

  private Map<String, List<Binding>> compileAll() {
    Map<String, List<Binding>> all = new HashMap<>();
    for (String type : fhir.resourceTypes()) {
      List<Binding> bindings = compile(type);
      if (!bindings.isEmpty()) {
        all.put(type, bindings);
      }
    }
    return Map.copyOf(all);
  }

  private List<Binding> compile(String type) {
    IValidationSupport support = fhir.context().getValidationSupport();
    var definition = (StructureDefinition) support.fetchStructureDefinition(
        "http://hl7.org/fhir/StructureDefinition/" + type);
    List<Binding> bindings = new ArrayList<>();
    if (definition == null) {
      return bindings;
    }
    for (ElementDefinition element : definition.getSnapshot().getElement()) {
      if (element.getBinding().getStrength() != BindingStrength.REQUIRED || !isCoded(element)) {
        continue;
      }
      String valueSet = element.getBinding().getValueSet();
      List<BaseRuntimeChildDefinition> steps = steps(element.getPath());
      if (steps != null) {
        valueSets.codes(valueSet).ifPresent(codes ->
            bindings.add(new Binding(element.getPath(), steps, valueSet, codes)));
      }
    }
    return List.copyOf(bindings);
  }

  private static boolean isCoded(ElementDefinition element) {
    return element.getType().size() == 1
        && List.of("code", "Coding", "CodeableConcept").contains(element.getType().get(0).getCode());
  }

  /**
   * The model's children along a path such as {@code AllergyIntolerance.reaction.substance}, or null where HAPI
   * checks the element itself (an enumeration) or the path cannot be walked by name (a choice or a reference to
   * another element's definition).
   */
  private List<BaseRuntimeChildDefinition> steps(String path) {
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
  private static boolean admits(ValueSetCodes.Codes codes, IBase value) {
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
