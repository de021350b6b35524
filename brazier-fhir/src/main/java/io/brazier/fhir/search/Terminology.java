package io.brazier.fhir.search;

import io.brazier.fhir.search.Criterion.TokenValue;
import java.util.List;

/**
 * The codes that token modifiers stand for, from the ValueSets and CodeSystems stored in the server. Each method
 * throws a {@code FhirException} (400) when the server does not hold what it needs.
 */
public interface Terminology {

  /** {@code :in}: the codes of a ValueSet, by canonical url (with an optional {@code |version}) or by reference. */
  List<TokenValue> expand(String valueSet);

  /** {@code :below}: a code and every code it subsumes. */
  List<TokenValue> below(String system, String code);

  /** {@code :above}: a code and every code that subsumes it. */
  List<TokenValue> above(String system, String code);

  /** For callers that have no terminology: every token modifier that needs one is a 400. */
  Terminology NONE = new Terminology() {
    @Override
    public List<TokenValue> expand(String valueSet) {
      throw io.brazier.fhir.FhirException.notSupported("Token :in and :not-in need stored ValueSets.");
    }

    @Override
    public List<TokenValue> below(String system, String code) {
      throw io.brazier.fhir.FhirException.notSupported("Token :below needs stored CodeSystems.");
    }

    @Override
    public List<TokenValue> above(String system, String code) {
      throw io.brazier.fhir.FhirException.notSupported("Token :above needs stored CodeSystems.");
    }
  };
}
