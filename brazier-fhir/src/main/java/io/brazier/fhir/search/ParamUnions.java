package io.brazier.fhir.search;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The parameters of a type whose expression is the union of other parameters' expressions, such as Observation's
 * {@code combo-code} ({@code Observation.code | Observation.component.code}, the union of {@code code} and
 * {@code component-code}). Their values are exactly the values of those parameters, so the server keeps no index
 * rows of their own for them and searches the rows of the parts instead. On Synthea's data, the rows of the
 * {@code combo-*} parameters were an eighth of all index rows.
 */
final class ParamUnions {
  private ParamUnions() {}

  /**
   * For each union among {@code params} (the parameters of one type), the codes of the parameters with rows of
   * their own whose values make it up. A part must be of the same type, and for a composite have the same
   * components; the parts of a union do not share a term, so a value is not counted twice by its parts.
   */
  static Map<String, List<String>> of(Collection<SearchParam> params,
      Function<SearchParam, Optional<List<ParamType>>> compositeTypes) {
    List<SearchParam> indexed = new ArrayList<>(params.stream().filter(SearchParam::isIndexed)
        .filter(param -> param.type() != ParamType.COMPOSITE || compositeTypes.apply(param).isPresent()
            && param.components().stream().allMatch(component -> component.expression() != null)).toList());
    // Smaller expressions first, so that a union's parts are settled before the union.
    indexed.sort(Comparator.comparingInt((SearchParam param) -> terms(param).size()).thenComparing(SearchParam::code));
    Map<String, List<String>> unions = new HashMap<>();
    for (int i = 0; i < indexed.size(); i++) {
      SearchParam whole = indexed.get(i);
      Set<String> terms = terms(whole);
      Set<String> covered = new LinkedHashSet<>();
      List<String> codes = new ArrayList<>();
      for (int j = i - 1; j >= 0; j--) {
        SearchParam part = indexed.get(j);
        Set<String> partTerms = terms(part);
        if (partTerms.size() < terms.size() && terms.containsAll(partTerms) && sameKind(whole, part, compositeTypes)
            && partTerms.stream().noneMatch(covered::contains)) {
          covered.addAll(partTerms);
          codes.addAll(unions.getOrDefault(part.code(), List.of(part.code())));
        }
      }
      if (covered.equals(terms)) {
        unions.put(whole.code(), List.copyOf(codes));
      }
    }
    return unions;
  }

  private static Set<String> terms(SearchParam param) {
    Set<String> terms = new LinkedHashSet<>();
    for (String term : Expressions.terms(param.expression())) {
      terms.add(term.strip().replaceAll("\\s+", " "));
    }
    return terms;
  }

  private static boolean sameKind(SearchParam whole, SearchParam part,
      Function<SearchParam, Optional<List<ParamType>>> compositeTypes) {
    if (whole.type() != part.type()) {
      return false;
    }
    if (whole.type() != ParamType.COMPOSITE) {
      return true;
    }
    return compositeTypes.apply(whole).equals(compositeTypes.apply(part))
        && componentExpressions(whole).equals(componentExpressions(part));
  }

  private static List<String> componentExpressions(SearchParam param) {
    return param.components().stream().map(component -> component.expression().strip()).toList();
  }
}
