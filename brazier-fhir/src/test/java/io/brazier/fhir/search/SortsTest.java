package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.SearchQuery.Ignored;
import io.brazier.fhir.search.SearchQuery.SortKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code _sort}: https://hl7.org/fhir/R4/search.html#sort */
class SortsTest {
  private static final QueryParser PARSER = new FhirSearch(new Fhir(false)).parser();

  private final List<Ignored> ignored = new ArrayList<>();

  @Test
  void fieldsAreSortedInTheOrderGivenAndAMinusMeansDescending() {
    List<SortKey> keys = sorts("Observation", true).parse(List.of("status,-date,category"), ignored);

    assertThat(keys).containsExactly(new SortKey("status", ParamType.TOKEN, false),
        new SortKey("date", ParamType.DATE, true), new SortKey("category", ParamType.TOKEN, false));
  }

  @Test
  void idAndLastUpdatedSortEveryType() {
    List<SortKey> keys = sorts("Patient", true).parse(List.of("-_lastUpdated", "_id"), ignored);

    assertThat(keys).containsExactly(new SortKey("_lastUpdated", ParamType.DATE, true),
        new SortKey("_id", ParamType.TOKEN, false));
  }

  @Test
  void noSortIsNoKeys() {
    assertThat(sorts("Patient", true).parse(null, ignored)).isEmpty();
  }

  @Test
  void anUnknownFieldIsABadRequestWhenStrictAndIgnoredAndNamedWhenLenient() {
    List<SortKey> lenient = sorts("Patient", false).parse(List.of("colour,birthdate"), ignored);

    assertThat(lenient).containsExactly(new SortKey("birthdate", ParamType.DATE, false));
    assertThat(ignored).extracting(Ignored::parameter).containsExactly("_sort:colour");
    assertThatThrownBy(() -> sorts("Patient", true).parse(List.of("colour"), ignored))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("'colour' is not known");
  }

  @Test
  void anEmptyFieldOrACompositeOrSpecialParameterCannotOrderAndIsABadRequest() {
    assertThatThrownBy(() -> sorts("Patient", false).parse(List.of("name,,birthdate"), ignored))
        .isInstanceOf(FhirException.class).hasMessageContaining("empty field");
    assertThatThrownBy(() -> sorts("Patient", false).parse(List.of("-"), ignored))
        .isInstanceOf(FhirException.class).hasMessageContaining("empty field");
    assertThatThrownBy(() -> sorts("Observation", false).parse(List.of("code-value-quantity"), ignored))
        .isInstanceOf(FhirException.class).hasMessageContaining("composite parameter");
    assertThatThrownBy(() -> sorts("Location", false).parse(List.of("near"), ignored))
        .isInstanceOf(FhirException.class).hasMessageContaining("special parameter");
  }

  private static Sorts sorts(String type, boolean strict) {
    return new Sorts(code -> PARSER.find(List.of(type), code), strict);
  }
}
