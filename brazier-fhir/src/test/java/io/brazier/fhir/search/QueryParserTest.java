package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryParserTest {
  private static final QueryParser.Options OPTIONS =
      new QueryParser.Options(true, "http://localhost/fhir", Terminology.NONE);

  private final QueryParser parser = new FhirSearch(new Fhir(false)).parser();

  @Test
  void aSearchMayCombineUpToTheLimitOfCriteria() {
    SearchQuery query = parse(Map.of("name", Collections.nCopies(QueryParser.MAX_CRITERIA, "x")));

    assertThat(query.criteria()).hasSize(QueryParser.MAX_CRITERIA);
  }

  @Test
  void moreCriteriaThanTheLimitAreABadRequestBeforeTheDatabaseTriesToPlanThem() {
    assertThatThrownBy(() -> parse(Map.of("name", Collections.nCopies(20_000, "x"))))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("at most " + QueryParser.MAX_CRITERIA + " criteria");
    String manyTerms = String.join(" and ", Collections.nCopies(QueryParser.MAX_CRITERIA + 1, "name eq x"));
    assertThatThrownBy(() -> parse(Map.of("_filter", List.of(manyTerms)))).isInstanceOf(FhirException.class);
  }

  private SearchQuery parse(Map<String, List<String>> query) {
    return parser.parse(List.of("Patient"), query, OPTIONS);
  }
}
