package io.brazier.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeChildChoiceDefinition;
import ca.uhn.fhir.context.RuntimeChildExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The minimum cardinalities of base R4, checked on every write: each element a definition requires
 * ({@code Observation.status}, {@code Narrative.div}, a component's {@code code}) is present, at every level of the
 * resource: its backbone elements, its data types, their extensions and the resources it contains. HAPI's strict
 * parser refuses too many repetitions but not too few. What a type requires is read from HAPI's model (made from the
 * R4 definitions) when a resource holding it is first checked, so a check is one walk of the resource: microseconds.
 * An element counts as present when it has a value or an extension (FHIR's rule: a status may be absent for a
 * reason given by an extension).
 */
public final class RequiredElements {
  private final FhirContext context;
  private final Map<Class<?>, List<Child>> byType = new ConcurrentHashMap<>();

  /** A child of a type: the model's definition, whether it repeats and whether its values are of a choice of types. */
  private record Child(BaseRuntimeChildDefinition definition, boolean repeats, boolean choice) {
    String name() {
      return definition.getElementName();
    }
  }

  /** Where a value is: rendered only for an issue, so that a walk builds no strings. */
  private record At(At parent, String name, int index, Class<? extends IBase> choice) {
    String expression(FhirContext context) {
      StringBuilder path = new StringBuilder(parent == null ? "" : parent.expression(context) + ".").append(name);
      if (choice != null) {
        path.append(".ofType(").append(context.getElementDefinition(choice).getName()).append(')');
      }
      return index < 0 ? path.toString() : path.append('[').append(index).append(']').toString();
    }
  }

  public RequiredElements(Fhir fhir) {
    this.context = fhir.context();
  }

  /** Throws a 400 with an issue {@code required} for each element missing, wherever it is in the resource. */
  public void check(Resource resource) {
    OperationOutcome outcome = new OperationOutcome();
    walk(resource, new At(null, resource.fhirType(), -1, null), outcome);
    if (outcome.hasIssue()) {
      throw new FhirException(400, outcome);
    }
  }

  private void walk(IBase element, At at, OperationOutcome outcome) {
    for (Child child : byType.computeIfAbsent(element.getClass(), this::children)) {
      List<? extends IBase> values = child.definition().getAccessor().getValues(element);
      int present = 0;
      for (int i = 0; i < values.size(); i++) {
        IBase value = values.get(i);
        if (value != null && !value.isEmpty()) {
          present++;
          if (!(value instanceof PrimitiveType<?> primitive)) {
            walk(value, at(at, child, i, value), outcome);
          } else if (primitive.hasExtension()) {
            extensions(primitive.getExtension(), at(at, child, i, value), outcome);
          }
        }
      }
      if (present < child.definition().getMin()) {
        missing(child, new At(at, child.name(), -1, null), present, outcome);
      }
    }
  }

  private static At at(At parent, Child child, int index, IBase value) {
    return new At(parent, child.name(), child.repeats() ? index : -1, child.choice() ? value.getClass() : null);
  }

  /** A primitive's extensions ({@code _status} in JSON), the one place a primitive holds elements. */
  private void extensions(List<Extension> extensions, At primitive, OperationOutcome outcome) {
    for (int i = 0; i < extensions.size(); i++) {
      walk(extensions.get(i), new At(primitive, "extension", i, null), outcome);
    }
  }

  private void missing(Child child, At at, int present, OperationOutcome outcome) {
    BaseRuntimeChildDefinition definition = child.definition();
    String expression = at.expression(context);
    String cardinality = definition.getMin() + ".." + (definition.getMax() < 0 ? "*" : definition.getMax());
    outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.REQUIRED)
        .setDiagnostics(expression + (child.choice() ? "[x]" : "") + " is required (" + cardinality + ") but "
            + (present == 0 ? "missing" : "present only " + present + " times") + ".")
        .addExpression(expression);
  }

  /** The children of a type as the model defines them; none for a primitive (its extensions are walked apart). */
  private List<Child> children(Class<?> type) {
    BaseRuntimeElementDefinition<?> definition = context.getElementDefinition(type.asSubclass(IBase.class));
    if (!(definition instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
      return List.of();
    }
    List<Child> children = new ArrayList<>();
    for (BaseRuntimeChildDefinition child : composite.getChildren()) {
      // HAPI models extension as a choice too, but of one type: its values need no type in their path.
      boolean choice = child instanceof RuntimeChildChoiceDefinition && !(child instanceof RuntimeChildExtension);
      children.add(new Child(child, child.getMax() != 1, choice));
    }
    return List.copyOf(children);
  }
}
