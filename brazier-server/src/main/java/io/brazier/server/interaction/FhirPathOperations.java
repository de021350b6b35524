package io.brazier.server.interaction;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import io.brazier.fhir.FhirException;
import io.brazier.server.interaction.FhirPathPatch.Operation;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;

/**
 * Applies FHIRPath Patch operations to one resource in the R4 model. FHIRPath finds elements; an element's parent
 * is found by walking the resource to it, which also keeps every change inside this resource, as the spec demands.
 * Lists change by rewriting the property in its new order, since the model offers no insert at an index.
 */
final class FhirPathOperations {
  /** Where an element sits: its parent and the property of the parent that holds it. */
  private record Slot(Base parent, Property property) {
    String name() {
      return property.getName();
    }

    List<Base> values() {
      return new ArrayList<>(property.getValues());
    }

    void rewrite(List<Base> values) {
      for (Base old : property.getValues()) {
        parent.removeChild(name(), old);
      }
      for (Base value : values) {
        parent.setProperty(name(), value);
      }
    }
  }

  private final FhirContext context;
  private final FHIRPathEngine engine;
  private final Resource resource;

  FhirPathOperations(FhirContext context, FHIRPathEngine engine, Resource resource) {
    this.context = context;
    this.engine = engine;
    this.resource = resource;
  }

  void apply(Operation operation) {
    switch (operation.type()) {
      case "add" -> add(operation);
      case "insert" -> insert(operation);
      case "delete" -> delete(operation);
      case "replace" -> replace(operation);
      case "move" -> move(operation);
      case "upsert" -> upsert(operation);
      default -> throw new IllegalStateException("FhirPathPatch let through type " + operation.type());
    }
  }

  /** Adds a child named {@code name} to the one element at the path: appended to a list, or set when absent. */
  private void add(Operation operation) {
    Base container = single(operation, engine.evaluate(resource, operation.expression()));
    Slot slot = new Slot(container, property(container, operation.name()));
    if (!slot.property().isList() && slot.property().hasValues()) {
      throw FhirException.unprocessable("The FHIRPath Patch " + operation + " cannot add " + operation.name()
          + ": it already has a value and does not repeat; use replace.");
    }
    container.setProperty(slot.name(), value(container, operation.name(), operation.value()));
  }

  /**
   * Replaces the child named {@code name} of the one element at the path when it has exactly one, adds it when it
   * has none: an {@code add} that does nothing more when done again.
   */
  private void upsert(Operation operation) {
    Base container = single(operation, engine.evaluate(resource, operation.expression()));
    Slot slot = new Slot(container, property(container, operation.name()));
    List<Base> values = slot.values();
    if (values.size() > 1) {
      throw FhirException.unprocessable("The FHIRPath Patch " + operation + " cannot upsert " + operation.name()
          + ": it has " + values.size() + " values; name one in the path and use replace.");
    }
    Base value = value(container, operation.name(), operation.value());
    if (values.isEmpty() || !slot.property().isList()) {
      container.setProperty(slot.name(), value);
    } else {
      slot.rewrite(List.of(value));
    }
  }

  private void insert(Operation operation) {
    Slot list = list(operation);
    List<Base> values = list.values();
    checkIndex(operation, "index", operation.index(), values.size());
    values.add(operation.index(), value(list.parent(), list.name(), operation.value()));
    list.rewrite(values);
  }

  /** Deletes the element at the path, if there is one. */
  private void delete(Operation operation) {
    List<Base> found = engine.evaluate(resource, operation.expression());
    if (found.isEmpty()) {
      return;
    }
    Base target = single(operation, found);
    Slot slot = locate(operation, target);
    slot.parent().removeChild(slot.name(), target);
  }

  private void replace(Operation operation) {
    Base target = single(operation, engine.evaluate(resource, operation.expression()));
    Slot slot = locate(operation, target);
    Base value = value(slot.parent(), slot.name(), operation.value());
    if (!slot.property().isList()) {
      slot.parent().setProperty(slot.name(), value);
      return;
    }
    List<Base> values = slot.values();
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == target) {
        values.set(i, value);
      }
    }
    slot.rewrite(values);
  }

  private void move(Operation operation) {
    Slot list = list(operation);
    List<Base> values = list.values();
    checkIndex(operation, "source", operation.source(), values.size() - 1);
    checkIndex(operation, "destination", operation.destination(), values.size() - 1);
    values.add(operation.destination(), values.remove((int) operation.source()));
    list.rewrite(values);
  }

  /**
   * The list an insert or move names, such as {@code Patient.name[0].given}: the path up to its last name gives the
   * one element that holds the list, since an empty list has no element to find it by.
   */
  private Slot list(Operation operation) {
    // Parsed again, not the operation's expression: the walk below cuts this tree, which other resources still need.
    ExpressionNode root = engine.parse(operation.path());
    ExpressionNode before = null;
    ExpressionNode last = root;
    for (; last.getInner() != null; last = last.getInner()) {
      requireNoOperator(operation, last);
      before = last;
    }
    requireNoOperator(operation, last);
    if (last.getKind() != ExpressionNode.Kind.Name) {
      throw FhirException.unprocessable("The path of the FHIRPath Patch " + operation
          + " must end with the name of a list, as in Patient.identifier.");
    }
    Base container = resource;
    if (before != null) {
      before.setInner(null);
      container = single(operation, engine.evaluate(resource, root));
    }
    Property property = property(container, last.getName());
    if (!property.isList()) {
      throw FhirException.unprocessable("The FHIRPath Patch " + operation + " needs a list, but "
          + container.fhirType() + "." + last.getName() + " does not repeat.");
    }
    return new Slot(container, property);
  }

  private static void requireNoOperator(Operation operation, ExpressionNode node) {
    if (node.getOperation() != null) {
      throw FhirException.unprocessable("The path of the FHIRPath Patch " + operation + " must name one list, "
          + "without operators.");
    }
  }

  /** The parent of an element found by FHIRPath, by identity: an element outside this resource has none. */
  private Slot locate(Operation operation, Base target) {
    Slot slot = locate(resource, target);
    if (slot == null) {
      throw FhirException.unprocessable("The FHIRPath Patch " + operation
          + " names no element of the resource that a patch can change.");
    }
    return slot;
  }

  private static Slot locate(Base node, Base target) {
    for (Property property : node.children()) {
      for (Base child : property.getValues()) {
        if (child == target) {
          return new Slot(node, property);
        }
        Slot found = locate(child, target);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /**
   * The value part as a model element: a datatype or resource as given, or an element built from nested parts (how
   * FHIRPath Patch writes elements whose type has no name, such as Patient.contact).
   */
  private Base value(Base parent, String name, ParametersParameterComponent part) {
    if (part.hasValue()) {
      return part.getValue().copy();
    }
    if (part.hasResource()) {
      return part.getResource().copy();
    }
    Base element = newElement(parent, name);
    for (ParametersParameterComponent child : part.getPart()) {
      Property property = property(element, child.getName());
      element.setProperty(property.getName(), value(element, child.getName(), child));
    }
    return element;
  }

  private Base newElement(Base parent, String name) {
    BaseRuntimeElementDefinition<?> parentDefinition = context.getElementDefinition(parent.getClass());
    BaseRuntimeChildDefinition child = parentDefinition instanceof BaseRuntimeElementCompositeDefinition<?> composite
        ? composite.getChildByName(name) : null;
    BaseRuntimeElementDefinition<?> type = child == null ? null : child.getChildByName(name);
    if (!(type instanceof BaseRuntimeElementCompositeDefinition<?>)) {
      throw FhirException.unprocessable(parent.fhirType() + "." + name + " takes a value[x], not parts.");
    }
    return (Base) type.newInstance(child.getInstanceConstructorArguments());
  }

  private static Property property(Base element, String name) {
    Property property = element.getNamedProperty(name);
    if (property == null) {
      throw FhirException.unprocessable(element.fhirType() + " has no element '" + name + "'.");
    }
    return property;
  }

  private static Base single(Operation operation, List<Base> found) {
    if (found.size() != 1) {
      throw FhirException.unprocessable("The path of the FHIRPath Patch " + operation + " matches " + found.size()
          + " elements; it must match exactly one.");
    }
    return found.get(0);
  }

  private static void checkIndex(Operation operation, String part, int index, int max) {
    if (index < 0 || index > max) {
      throw FhirException.unprocessable("The " + part + " of the FHIRPath Patch " + operation + " is " + index
          + "; the list allows 0 to " + max + ".");
    }
  }
}
