package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion.Has;
import io.brazier.fhir.search.Criterion.Not;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code _not-referenced} as Microsoft's FHIR server takes it: *:*, Type:* and Type:param. */
class NotReferencedTest {
  private static final QueryParser.Options OPTIONS =
      new QueryParser.Options(false, "http://localhost/fhir", Terminology.NONE);
  private final QueryParser parser = new FhirSearch(new Fhir(false)).parser();

  @Test
  void eachFormIsANegatedReverseChainWithItsPartsLeftOpen() {
    assertThat(criteria("*:*")).containsExactly(new Not(new Has(null, null, null)));
    assertThat(criteria("Encounter:*")).containsExactly(new Not(new Has("Encounter", null, null)));
    assertThat(criteria("Encounter:subject")).containsExactly(new Not(new Has("Encounter", "subject", null)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"*:subject", "Encounter", "*", "Encounter:subject:Patient", "Bogus:*", "Encounter:bogus",
      "Encounter:status", "", ":"})
  void anyOtherValueIsABadRequestEvenInALenientSearch(String value) {
    assertThatThrownBy(() -> criteria(value))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("_not-referenced");
  }

  @Test
  void aModifierIsABadRequest() {
    assertThatThrownBy(() -> parser.parse(List.of("Patient"), Map.of("_not-referenced:missing", List.of("*:*")),
        OPTIONS)).isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  private List<Criterion> criteria(String value) {
    return parser.parse(List.of("Patient"), Map.of("_not-referenced", List.of(value)), OPTIONS).criteria();
  }
}
