package io.brazier.fhir.search;

import io.brazier.fhir.Fhir;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Resource;

/**
 * The search machinery of a process, built once and shared: the parameter registry (which the CapabilityStatement
 * lists), the extractor that indexes every write, the parser of search queries, and the compartment definitions.
 */
public final class FhirSearch {
  private final Fhir fhir;
  private final SearchParameters parameters;
  private final IndexExtractor extractor;
  private final QueryParser parser;
  private final Compartments compartments;

  public FhirSearch(Fhir fhir) {
    this.fhir = fhir;
    FhirPath fhirPath = new FhirPath(fhir);
    Units units = new Units();
    this.parameters = new SearchParameters(fhir, fhirPath);
    this.extractor = new IndexExtractor(fhir, parameters, fhirPath, units);
    this.parser = new QueryParser(fhir, parameters, units);
    this.compartments = new Compartments();
  }

  public Fhir fhir() {
    return fhir;
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

  public Compartments compartments() {
    return compartments;
  }

  /**
   * The index values of a stored resource, from its JSON, as a write of it would extract them now: how versions
   * that have no index rows (those in history) are searched.
   */
  public SearchIndex index(byte[] json) {
    Resource resource = (Resource) fhir.jsonParser().parseResource(new String(json, StandardCharsets.UTF_8));
    return extractor.extract(resource, json);
  }
}
