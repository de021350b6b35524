package io.brazier.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parts of URLs: query strings (of requests, conditional headers and bundle entries) and paths. */
class QueriesTest {
  @Test
  void aQueryKeepsItsParametersInOrderWithRepeatedValuesTogether() {
    Map<String, List<String>> params = Queries.parse("given=a&family=b&given=c");

    assertThat(params.keySet()).containsExactly("given", "family");
    assertThat(params.get("given")).containsExactly("a", "c");
  }

  @Test
  void namesAndValuesArePercentDecodedAndAPlusIsASpace() {
    Map<String, List<String>> params = Queries.parse("?identifier=urn%3Amrn%7C12+34&name%3Aexact=J%C3%BCrgen");

    assertThat(params).containsEntry("identifier", List.of("urn:mrn|12 34"))
        .containsEntry("name:exact", List.of("Jürgen"));
  }

  @Test
  void aParameterWithoutAValueHasAnEmptyOneAndEmptyPairsAreSkipped() {
    Map<String, List<String>> params = Queries.parse("_pretty&&_summary=");

    assertThat(params).containsOnlyKeys("_pretty", "_summary");
    assertThat(params.get("_pretty")).containsExactly("");
    assertThat(params.get("_summary")).containsExactly("");
  }

  @Test
  void aBrokenPercentEscapeIsKeptAsItIs() {
    assertThat(Queries.parse("name=100%")).containsEntry("name", List.of("100%"));
  }

  @Test
  void nothingIsNoParameters() {
    assertThat(Queries.parse(null)).isEmpty();
    assertThat(Queries.parse("")).isEmpty();
  }

  @Test
  void aPathHasItsNonEmptySegmentsDecoded() {
    assertThat(Queries.segments("/Patient//12/_history/")).containsExactly("Patient", "12", "_history");
    assertThat(Queries.segments("Patient/1/%24everything")).containsExactly("Patient", "1", "$everything");
  }
}
