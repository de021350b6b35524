package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.SearchIndex.StringEntry;
import io.brazier.fhir.search.SearchIndex.TokenEntry;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchIndexTest {

  @Test
  void aResourceHoldsAValueOnceHoweverOftenItRepeatsIt() {
    SearchIndex index = new SearchIndex.Builder()
        .add(new TokenEntry("code", "http://loinc.org", "8480-6", null))
        .add(new TokenEntry("code", "http://loinc.org", "8480-6", null))
        .add(new TokenEntry("code", "http://loinc.org", "8462-4", null))
        .add(new StringEntry("name", "ann", "Ann", null))
        .add(new StringEntry("name", "ann", "Ann", null))
        .build();

    assertThat(index.tokens()).extracting(TokenEntry::code).containsExactly("8480-6", "8462-4");
    assertThat(index.strings()).hasSize(1);
    assertThat(index.size()).isEqualTo(3);
  }

  @Test
  void theBuilderRefusesTheEntryPastItsMostWith422AndRepeatsDoNotCount() {
    SearchIndex.Builder builder = new SearchIndex.Builder(2)
        .add(new StringEntry("name", "ann", "Ann", null))
        .add(new StringEntry("name", "ann", "Ann", null))
        .add(new TokenEntry("gender", null, "female", null));

    assertThatThrownBy(() -> builder.add(new SearchIndex.DateEntry("birthdate", 0, 1, null)))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(422))
        .hasMessage("The resource has more than 2 search index entries, the most one resource may have"
            + " (--max-index-entries).");
  }

  @Test
  void theSizeCountsEntriesOfEveryKind() {
    SearchIndex index = new SearchIndex.Builder()
        .add(new SearchIndex.DateEntry("birthdate", 0, 1, null))
        .add(new SearchIndex.NumberEntry("probability", BigDecimal.ONE, null, null))
        .add(new SearchIndex.QuantityEntry("value-quantity", BigDecimal.ONE, null, null, null, null, null))
        .add(new SearchIndex.ReferenceEntry("subject", "Patient", "1", null, null))
        .add(new SearchIndex.UriEntry("url", "http://x.org"))
        .add(new SearchIndex.TextEntry("_text", List.of("fever")))
        .add(new SearchIndex.PositionEntry("near", 1, 2))
        .build();

    assertThat(index.size()).isEqualTo(7);
    assertThat(SearchIndex.EMPTY.size()).isZero();
  }

  @Test
  void aBuiltIndexCannotChange() {
    SearchIndex index = new SearchIndex.Builder().add(new StringEntry("name", "ann", "Ann", null)).build();

    assertThatThrownBy(() -> index.strings().add(new StringEntry("name", "bob", "Bob", null)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void derivedParametersCarryAColonSoTheyNeverMeetARealCode() {
    assertThat(List.of(SearchIndex.textOf("code"), SearchIndex.ofTypeOf("identifier"),
        SearchIndex.identifierOf("subject"), SearchIndex.containedOf("Patient", "name")))
        .containsExactly("code:text", "identifier:of-type", "subject:identifier", "contained:Patient:name")
        .allMatch(param -> param.contains(":"));
  }
}
