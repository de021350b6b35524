package io.brazier.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeChildExtension;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.UriType;

/**
 * The JSON names under which R4 has an element of a uri type (uri, url, canonical, oid, uuid; not id) anywhere: in
 * any resource, backbone element or datatype, choice names ({@code valueUri}) included. A string under any other
 * name is not a uri wherever it sits, which lets a walk of a JSON resource skip it without knowing its element.
 */
final class UriElements {
  private UriElements() {}

  static Set<String> of(FhirContext context) {
    Set<String> names = new TreeSet<>();
    Set<BaseRuntimeElementDefinition<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    // Extensions are children HAPI describes apart (see below): Extension's own definition names their values.
    add(context.getElementDefinition(Extension.class), names, seen);
    for (String type : context.getResourceTypes()) {
      add(context.getResourceDefinition(type), names, seen);
    }
    return Set.copyOf(names);
  }

  private static void add(BaseRuntimeElementDefinition<?> element, Set<String> names,
      Set<BaseRuntimeElementDefinition<?>> seen) {
    if (!(element instanceof BaseRuntimeElementCompositeDefinition<?> composite) || !seen.add(element)) {
      return;
    }
    for (BaseRuntimeChildDefinition child : composite.getChildren()) {
      if (child instanceof RuntimeChildExtension) {
        continue; // its child names are not element names; Extension's definition is added on its own
      }
      for (String name : child.getValidChildNames()) {
        BaseRuntimeElementDefinition<?> definition = child.getChildByName(name);
        if (definition == null) {
          continue;
        }
        Class<?> type = definition.getImplementingClass();
        if (UriType.class.isAssignableFrom(type) && !IdType.class.isAssignableFrom(type)) {
          names.add(name);
        }
        add(definition, names, seen);
      }
    }
  }
}
