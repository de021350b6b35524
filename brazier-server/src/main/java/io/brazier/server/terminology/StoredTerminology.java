package io.brazier.server.terminology;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.Criterion.TokenValue;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.fhir.search.Terminology;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ConceptReferenceComponent;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetComponent;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetFilterComponent;
import org.hl7.fhir.r4.model.ValueSet.ValueSetExpansionContainsComponent;

/**
 * Terminology from what the server stores: ValueSets are expanded from their expansion or their compose (concepts,
 * whole stored CodeSystems, {@code is-a}/{@code descendent-of}/{@code =} filters on stored CodeSystems, other value
 * sets), and CodeSystem hierarchies answer {@code :above} and {@code :below}. What it cannot answer is a 400 that
 * says what is missing, never a silently empty match.
 */
public final class StoredTerminology implements Terminology {
  /** Largest expansion served; a larger value set is better searched by its CodeSystem hierarchy. */
  static final int MAX_CODES = 10_000;
  private static final int MAX_DEPTH = 8;
  /** Most ConceptMaps a $translate without a named map consults. */
  static final int MAX_MAPS = 100;

  private final Store store;
  private final Fhir fhir;

  public StoredTerminology(Store store, Fhir fhir) {
    this.store = store;
    this.fhir = fhir;
  }

  @Override
  public List<TokenValue> expand(String valueSet) {
    List<TokenValue> codes = new ArrayList<>();
    expansion(valueSet(valueSet), 0).forEach(concept -> codes.add(new TokenValue(concept.system(),
        concept.code(), true)));
    return codes;
  }

  @Override
  public List<TokenValue> below(String system, String code) {
    return tokens(system, hierarchy(system).below(code));
  }

  @Override
  public List<TokenValue> above(String system, String code) {
    return tokens(system, hierarchy(system).above(code));
  }

  private static List<TokenValue> tokens(String system, Set<String> codes) {
    return codes.stream().map(code -> new TokenValue(system, code, true)).toList();
  }

  /** The stored ValueSet a url (with an optional {@code |version}) or a reference ValueSet/id names. */
  public ValueSet valueSet(String reference) {
    return (ValueSet) find("ValueSet", reference).orElseThrow(() -> FhirException.badRequest(
        "ValueSet " + reference + " is not stored in this server."));
  }

  /** The stored CodeSystem of a url (with an optional {@code |version}). */
  public Optional<CodeSystem> codeSystem(String system) {
    return find("CodeSystem", system).map(CodeSystem.class::cast);
  }

  public Hierarchy hierarchy(String system) {
    return new Hierarchy(codeSystem(system).orElseThrow(() -> FhirException.badRequest(
        "CodeSystem " + system + " is not stored in this server, so its hierarchy is not known.")));
  }

  /** The stored ConceptMap a url (with an optional {@code |version}) or a reference ConceptMap/id names. */
  public Optional<ConceptMap> conceptMap(String reference) {
    return find("ConceptMap", reference).map(ConceptMap.class::cast);
  }

  /**
   * The stored ConceptMaps that may map a coding: by the system they map from (to, when reversed), or by the code
   * when the coding has no system; at most {@link #MAX_MAPS}.
   */
  public List<ConceptMap> conceptMapsFor(String system, String code, boolean reverse) {
    Criterion criterion = system != null
        ? new Criterion.UriMatch(reverse ? "target-system" : "source-system", Criterion.UriMode.EQUALS,
            List.of(system))
        : new Criterion.TokenMatch(reverse ? "target-code" : "source-code",
            List.of(new TokenValue(null, code, false)), false);
    return store.search(SearchQuery.of(List.of("ConceptMap"), List.of(criterion)), MAX_MAPS).resources().stream()
        .map(version -> (ConceptMap) parse(version)).toList();
  }

  private Optional<Resource> find(String type, String reference) {
    if (reference.startsWith(type + "/")) {
      return store.current(type, reference.substring(type.length() + 1))
          .filter(version -> !version.deleted()).map(this::parse);
    }
    int bar = reference.lastIndexOf('|');
    String url = bar < 0 ? reference : reference.substring(0, bar);
    List<Criterion> criteria = new ArrayList<>();
    criteria.add(new Criterion.UriMatch("url", Criterion.UriMode.EQUALS, List.of(url)));
    if (bar >= 0) {
      criteria.add(new Criterion.TokenMatch("version",
          List.of(new TokenValue(null, reference.substring(bar + 1), false)), false));
    }
    List<ResourceVersion> found = store.search(SearchQuery.of(List.of(type), criteria), 1).resources();
    return found.isEmpty() ? Optional.empty() : Optional.of(parse(found.get(0)));
  }

  private Resource parse(ResourceVersion version) {
    return (Resource) fhir.jsonParser().parseResource(new String(version.json(), StandardCharsets.UTF_8));
  }

  /** A code of an expansion, with the display the value set or code system gives it; equal by system and code. */
  public record Concept(String system, String code, String display) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Concept concept && code.equals(concept.code)
          && java.util.Objects.equals(system, concept.system);
    }

    @Override
    public int hashCode() {
      return code.hashCode();
    }
  }

  public Set<Concept> expansion(ValueSet valueSet, int depth) {
    if (depth > MAX_DEPTH) {
      throw FhirException.badRequest("ValueSet " + valueSet.getUrl() + " includes value sets too deeply.");
    }
    Set<Concept> concepts = new LinkedHashSet<>();
    if (valueSet.hasExpansion() && valueSet.getExpansion().hasContains()) {
      contains(concepts, valueSet.getExpansion().getContains());
      return bounded(valueSet, concepts);
    }
    for (ConceptSetComponent include : valueSet.getCompose().getInclude()) {
      concepts.addAll(concepts(include, depth));
      bounded(valueSet, concepts);
    }
    for (ConceptSetComponent exclude : valueSet.getCompose().getExclude()) {
      concepts.removeAll(concepts(exclude, depth));
    }
    return concepts;
  }

  private static Set<Concept> bounded(ValueSet valueSet, Set<Concept> concepts) {
    if (concepts.size() > MAX_CODES) {
      throw FhirException.badRequest("ValueSet " + valueSet.getUrl() + " has more than " + MAX_CODES
          + " codes, more than this server expands.");
    }
    return concepts;
  }

  private static void contains(Set<Concept> concepts, List<ValueSetExpansionContainsComponent> contains) {
    for (ValueSetExpansionContainsComponent item : contains) {
      if (item.hasCode() && !item.getAbstract()) {
        concepts.add(new Concept(item.getSystem(), item.getCode(), item.getDisplay()));
      }
      contains(concepts, item.getContains());
    }
  }

  private Set<Concept> concepts(ConceptSetComponent set, int depth) {
    Set<Concept> concepts = new LinkedHashSet<>();
    String system = set.getSystem();
    if (system != null) {
      if (set.hasConcept()) {
        for (ConceptReferenceComponent concept : set.getConcept()) {
          concepts.add(new Concept(system, concept.getCode(), concept.getDisplay()));
        }
      } else {
        Hierarchy hierarchy = hierarchy(system);
        Set<String> codes = hierarchy.all();
        for (ConceptSetFilterComponent filter : set.getFilter()) {
          codes.retainAll(hierarchy.filter(filter));
        }
        codes.forEach(code -> concepts.add(new Concept(system, code, hierarchy.display(code))));
      }
    }
    for (var included : set.getValueSet()) {
      Set<Concept> fromValueSet = expansion(valueSet(included.getValue()), depth + 1);
      if (system != null) {
        concepts.retainAll(fromValueSet);
      } else {
        concepts.addAll(fromValueSet);
      }
    }
    return concepts;
  }
}
