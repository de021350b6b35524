package io.brazier.sync.map;

import io.brazier.fhir.search.FhirPath;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Resource;

/**
 * A map's FHIRPath, compiled once with HAPI's engine (the simple paths most maps use are walked directly, as search
 * does): evaluated on a resource, or on an element of one of its arrays in an expansion.
 */
public final class Expression {
  private final String text;
  private final List<FhirPath.Term> terms;

  private Expression(String text, List<FhirPath.Term> terms) {
    this.text = text;
    this.terms = List.copyOf(terms);
  }

  /** @throws IllegalArgumentException when {@code text} is not FHIRPath */
  static Expression compile(FhirPath fhirPath, String text) {
    List<FhirPath.Term> terms = fhirPath.terms(text);
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("is empty: give a FHIRPath expression");
    }
    return new Expression(text, terms);
  }

  /** The values on {@code focus}, with {@code %resource} bound to {@code root}. */
  public List<Base> evaluate(Resource root, Base focus) {
    if (terms.size() == 1) {
      return terms.get(0).evaluate(root, focus);
    }
    List<Base> values = new ArrayList<>();
    for (FhirPath.Term term : terms) {
      values.addAll(term.evaluate(root, focus));
    }
    return values;
  }

  @Override
  public String toString() {
    return text;
  }
}
