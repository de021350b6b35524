package io.brazier.fhir.search;

import io.brazier.fhir.Fhir;

/**
 * The search machinery of a process, built once and shared: the parameter registry (which the CapabilityStatement
 * lists), the extractor that indexes every write, and the parser of search queries.
 */
public final class FhirSearch {
  private final SearchParameters parameters;
  private final IndexExtractor extractor;
  private final QueryParser parser;

  public FhirSearch(Fhir fhir) {
    FhirPath fhirPath = new FhirPath(fhir);
    Units units = new Units();
    this.parameters = new SearchParameters(fhir, fhirPath);
    this.extractor = new IndexExtractor(fhir, parameters, fhirPath, units);
    this.parser = new QueryParser(fhir, parameters, units);
  }

  public SearchParameters parameters() {
    return parameters;
  }

  public IndexExtractor extractor() {
    return extractor;
  }

  public QueryParser parser() {
    return parser;
  }
}
