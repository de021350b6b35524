package io.brazier.fhir;

import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.CodeSystemContentMode;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetComponent;
import org.hl7.fhir.r4.model.ValueSet.ValueSetExpansionContainsComponent;

/**
 * Expands the ValueSets of HAPI's bundled R4 definitions, for the table of required bindings
 * ({@link RequiredBindingDefinitions}) into sets of codes, once each. Only what expands exactly is
 * expanded: enumerated concepts, whole code systems held completely, imported ValueSets that expand, and stated
 * expansions. A ValueSet with filters, or over a code system that is not bundled (SNOMED CT, LOINC, UCUM...), has no
 * codes here, so nothing is rejected on a guess.
 */
final class ValueSetCodes {
  private final IValidationSupport support;
  private final Map<String, Optional<RequiredBindingTable.Codes>> expanded = new ConcurrentHashMap<>();

  ValueSetCodes(IValidationSupport support) {
    this.support = support;
  }

  /** The codes of the ValueSet at {@code url} (a version suffix {@code |4.0.1} is ignored), if it expands. */
  Optional<RequiredBindingTable.Codes> codes(String url) {
    String canonical = url == null ? "" : url.split("\\|")[0];
    Optional<RequiredBindingTable.Codes> known = expanded.get(canonical);
    if (known == null) {
      // Not computeIfAbsent: an import expands another ValueSet, which would update the map from inside itself.
      known = expand(canonical, new HashSet<>());
      expanded.put(canonical, known);
    }
    return known;
  }

  private Optional<RequiredBindingTable.Codes> expand(String url, Set<String> visiting) {
    var valueSet = (ValueSet) support.fetchValueSet(url);
    if (valueSet == null || !visiting.add(url)) {
      return Optional.empty();
    }
    Set<String> codes = new HashSet<>();
    if (valueSet.hasCompose()) {
      for (ConceptSetComponent include : valueSet.getCompose().getInclude()) {
        if (!include(include, codes, visiting)) {
          return Optional.empty();
        }
      }
      if (valueSet.getCompose().hasExclude()) {
        return Optional.empty();
      }
    } else if (valueSet.hasExpansion()) {
      addExpansion(valueSet.getExpansion().getContains(), codes);
    } else {
      return Optional.empty();
    }
    return Optional.of(RequiredBindingTable.Codes.of(codes));
  }

  /** Adds one include's codes; false when it cannot be expanded exactly. */
  private boolean include(ConceptSetComponent include, Set<String> codes, Set<String> visiting) {
    if (include.hasFilter() || (include.hasValueSet() && (include.hasSystem() || include.getValueSet().size() > 1))) {
      return false;
    }
    if (include.hasValueSet()) {
      Optional<RequiredBindingTable.Codes> imported = expand(include.getValueSet().get(0).getValue(), visiting);
      imported.ifPresent(found -> codes.addAll(found.systemCodes()));
      return imported.isPresent();
    }
    String system = include.getSystem();
    if (include.hasConcept()) {
      include.getConcept().forEach(concept -> add(codes, system, concept.getCode()));
      return true;
    }
    var codeSystem = (CodeSystem) support.fetchCodeSystem(system);
    if (codeSystem == null || codeSystem.getContent() != CodeSystemContentMode.COMPLETE) {
      return false;
    }
    addConcepts(codeSystem.getConcept(), system, codes);
    return true;
  }

  private static void addConcepts(List<ConceptDefinitionComponent> concepts, String system, Set<String> codes) {
    for (ConceptDefinitionComponent concept : concepts) {
      add(codes, system, concept.getCode());
      addConcepts(concept.getConcept(), system, codes);
    }
  }

  private static void addExpansion(List<ValueSetExpansionContainsComponent> contains, Set<String> codes) {
    for (ValueSetExpansionContainsComponent entry : contains) {
      if (entry.hasCode()) {
        add(codes, entry.getSystem(), entry.getCode());
      }
      addExpansion(entry.getContains(), codes);
    }
  }

  private static void add(Set<String> codes, String system, String code) {
    codes.add(system + "|" + code);
  }
}
