package io.brazier.fhir.search;

import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import io.brazier.fhir.Fhir;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.PrimitiveType;

/**
 * FHIR's data type hierarchy as HAPI's FHIRPath engine tests it in {@code as()} and {@code ofType()}: an Age is a
 * Quantity, but a primitive is only itself (a code is not taken for a string).
 */
final class Types {
  private final Fhir fhir;
  private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();

  Types(Fhir fhir) {
    this.fhir = fhir;
  }

  /**
   * Whether {@code item} is of {@code type} or of a type derived from it. Names compare ignoring case, as HAPI's
   * {@code Base.hasType} does: R4's composites write {@code value.as(DateTime)} for a dateTime.
   */
  boolean isA(Base item, String type) {
    if (item.fhirType().equalsIgnoreCase(type)) {
      return true;
    }
    Class<?> wanted = modelClass(type);
    Class<?> actual = modelClass(item.fhirType());
    return wanted != Void.class && actual != Void.class && !PrimitiveType.class.isAssignableFrom(wanted)
        && wanted.isAssignableFrom(actual);
  }

  /** The model class of a data type; Void when the name is not one. */
  private Class<?> modelClass(String type) {
    return classes.computeIfAbsent(type, name -> {
      BaseRuntimeElementDefinition<?> definition = fhir.context().getElementDefinition(name);
      return definition == null ? Void.class : definition.getImplementingClass();
    });
  }
}
