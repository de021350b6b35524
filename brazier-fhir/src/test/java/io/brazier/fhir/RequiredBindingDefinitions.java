package io.brazier.fhir;

import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Enumerations.BindingStrength;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * Makes the table of required bindings ({@link RequiredBindingTable}) from HAPI's R4 definitions: each type's
 * StructureDefinition names its required bindings on Coding, CodeableConcept and code elements, and each ValueSet
 * that expands exactly ({@link ValueSetCodes}) gives their codes. Elements HAPI checks itself (enumerations) and
 * paths that cannot be walked by name are left out, as the check would skip them.
 */
final class RequiredBindingDefinitions {
  private final Fhir fhir;
  private final IValidationSupport support;
  private final ValueSetCodes valueSets;

  RequiredBindingDefinitions(Fhir fhir) {
    this.fhir = fhir;
    this.support = fhir.context().getValidationSupport();
    this.valueSets = new ValueSetCodes(support);
  }

  RequiredBindingTable table() {
    Map<String, List<RequiredBindingTable.Entry>> byType = new TreeMap<>();
    for (String type : fhir.resourceTypes()) {
      List<RequiredBindingTable.Entry> entries = entries(type);
      if (!entries.isEmpty()) {
        byType.put(type, entries);
      }
    }
    return new RequiredBindingTable(byType);
  }

  private List<RequiredBindingTable.Entry> entries(String type) {
    var definition = (StructureDefinition) support.fetchStructureDefinition(
        "http://hl7.org/fhir/StructureDefinition/" + type);
    List<RequiredBindingTable.Entry> entries = new ArrayList<>();
    for (ElementDefinition element : definition.getSnapshot().getElement()) {
      String valueSet = element.getBinding().getValueSet();
      if (element.getBinding().getStrength() == BindingStrength.REQUIRED && isCoded(element)
          && RequiredBindings.steps(fhir, element.getPath()) != null) {
        valueSets.codes(valueSet).ifPresent(codes ->
            entries.add(new RequiredBindingTable.Entry(element.getPath(), valueSet, codes)));
      }
    }
    return List.copyOf(entries);
  }

  private static boolean isCoded(ElementDefinition element) {
    return element.getType().size() == 1
        && List.of("code", "Coding", "CodeableConcept").contains(element.getType().get(0).getCode());
  }

  /** The table as the text {@link RequiredBindingTable#read} reads: the ValueSets, sorted, then the bindings. */
  static String text(RequiredBindingTable table) {
    StringBuilder text = new StringBuilder("# The required bindings of base R4 on coded elements, made from HAPI FHIR's"
        + " R4 definitions by RequiredBindingTableTest: do not edit.\n");
    Map<String, RequiredBindingTable.Codes> valueSets = new TreeMap<>();
    table.byType().values().forEach(entries -> entries.forEach(entry ->
        valueSets.put(canonical(entry.valueSet()), entry.codes())));
    valueSets.forEach((url, codes) ->
        text.append("valueset\t").append(url).append('\t')
            .append(String.join("\t", new TreeSet<>(codes.systemCodes()))).append('\n'));
    new TreeMap<>(table.byType()).values().forEach(entries -> entries.forEach(entry ->
        text.append("binding\t").append(entry.path()).append('\t').append(entry.valueSet()).append('\t')
            .append(canonical(entry.valueSet())).append('\n')));
    return text.toString();
  }

  private static String canonical(String valueSet) {
    return valueSet.split("\\|")[0];
  }
}
