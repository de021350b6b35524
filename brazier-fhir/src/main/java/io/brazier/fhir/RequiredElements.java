package io.brazier.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.RuntimeChildChoiceDefinition;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The minimum cardinalities of base R4 for a resource's own elements, checked on every write: an Observation without
 * {@code status} or {@code code} is refused. HAPI's strict parser refuses too many repetitions but not too few.
 * Only the resource's own elements, as Microsoft's FHIR server checks them: data it takes loads here too (the MC4H
 * training's sample whose {@code Provenance.agent} has no {@code who}, which R4 requires one level down);
 * {@code $validate} checks every level. A type's required elements are read from HAPI's model (made from the R4
 * definitions) at its first write, so a check looks at those few elements only. An element counts as present when it
 * has a value or an extension (FHIR's rule: a status may be absent for a reason an extension gives).
 */
public final class RequiredElements {
  private static final String DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

  private final Fhir fhir;
  private final Map<String, List<BaseRuntimeChildDefinition>> byType = new ConcurrentHashMap<>();

  public RequiredElements(Fhir fhir) {
    this.fhir = fhir;
  }

  /** Throws a 400 with an issue {@code required} for each of the resource's own elements missing. */
  public void check(Resource resource) {
    OperationOutcome outcome = new OperationOutcome();
    for (BaseRuntimeChildDefinition child : of(resource.fhirType())) {
      int present = 0;
      for (IBase value : child.getAccessor().getValues(resource)) {
        if (value != null && !value.isEmpty()) {
          present++;
        }
      }
      if (present < child.getMin()) {
        missing(resource.fhirType(), child, present, outcome);
      }
    }
    if (outcome.hasIssue()) {
      throw new FhirException(400, outcome);
    }
  }

  /**
   * Gives each element the resource's type requires a value absent for a reason R4 gives (data-absent-reason
   * {@code unknown}): a placeholder knows nothing but its id or identifier, and stays a valid resource (a placeholder
   * Encounter has a status and a class, each saying it is unknown).
   */
  public void markAbsent(Resource resource) {
    for (BaseRuntimeChildDefinition child : of(resource.fhirType())) {
      String name = child.getValidChildNames().iterator().next();
      Element value = (Element) child.getChildByName(name).newInstance(child.getInstanceConstructorArguments());
      value.addExtension(DATA_ABSENT_REASON, new CodeType("unknown"));
      child.getMutator().addValue(resource, value);
    }
  }

  /** The resource type's own elements that base R4 requires (minimum cardinality above 0). */
  public List<BaseRuntimeChildDefinition> of(String type) {
    return byType.computeIfAbsent(type, this::required);
  }

  private static void missing(String type, BaseRuntimeChildDefinition child, int present, OperationOutcome outcome) {
    String expression = type + "." + child.getElementName();
    String cardinality = child.getMin() + ".." + (child.getMax() < 0 ? "*" : child.getMax());
    String name = expression + (child instanceof RuntimeChildChoiceDefinition ? "[x]" : "");
    outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.REQUIRED)
        .setDiagnostics(name + " is required (" + cardinality + ") but "
            + (present == 0 ? "missing" : "present only " + present + " times") + ".")
        .addExpression(expression);
  }

  /** The elements a resource type requires, as the model defines them. */
  private List<BaseRuntimeChildDefinition> required(String type) {
    return fhir.context().getResourceDefinition(type).getChildren().stream().filter(child -> child.getMin() > 0)
        .toList();
  }
}
