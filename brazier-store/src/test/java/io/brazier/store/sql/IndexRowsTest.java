package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.search.SearchIndex;
import io.brazier.fhir.search.SearchIndex.Qualifier;
import io.brazier.fhir.search.SearchIndex.StringEntry;
import io.brazier.fhir.search.SearchIndex.TextEntry;
import io.brazier.fhir.search.SearchIndex.TokenEntry;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Index values become the index tables' rows, column by column; values of parameters without a key are left out. */
class IndexRowsTest {
  private final Map<String, Integer> keys = Map.of("Patient/name", 11, "Patient/identifier", 12, "Patient/_text", 13,
      "Patient/code-value", 14);
  private final IndexRows rows = new IndexRows(null, (type, code) -> keys.get(type + "/" + code));

  @Test
  void eachEntryBecomesARowOfItsTableUnderItsParametersKey() {
    rows.add("Patient", 7, new SearchIndex.Builder()
        .add(new StringEntry("name", "chalmers", "Chalmers", null))
        .add(new TokenEntry("identifier", "urn:mrn", "12345", null)).build());

    assertThat(table("search_string").column(0)).containsExactly(11);
    assertThat(table("search_string").column(1)).containsExactly(7L);
    assertThat(table("search_string").column(2)).containsExactly("chalmers");
    assertThat(table("search_token").column(3)).containsExactly("12345");
    assertThat(table("search_date").isEmpty()).isTrue();
  }

  @Test
  void anEntryOfAParameterWithoutAKeyIsLeftOut() {
    rows.add("Patient", 7, new SearchIndex.Builder().add(new TokenEntry("unknown", "s", "c", null))
        .add(new TokenEntry("identifier", "s", "c", null)).build());

    assertThat(table("search_token").column(0)).containsExactly(12);
  }

  @Test
  void aCompositeComponentHasAQualifierCodeEvenWhenItsCodeIsNull() {
    rows.add("Patient", 1, new SearchIndex.Builder()
        .add(new TokenEntry("code-value", "s", "a", new Qualifier("http://loinc.org", null)))
        .add(new TokenEntry("code-value", "s", "b", new Qualifier("http://loinc.org", "8480-6")))
        .add(new TokenEntry("identifier", "s", "c", null)).build());

    assertThat(table("search_token").column(4)).containsExactly("http://loinc.org", "http://loinc.org", null);
    assertThat(table("search_token").column(5)).containsExactly("", "8480-6", null);
  }

  @Test
  void wordsTravelAsOneTextThatBecomesQuotedLexemesForCopy() {
    rows.add("Patient", 3, new SearchIndex.Builder().add(new TextEntry("_text", List.of("knight", "mancha"))).build());

    assertThat(table("search_text").column(2)).containsExactly("knight mancha");
    assertThat(IndexRows.lexemes("knight mancha")).isEqualTo("'knight' 'mancha'");
    assertThat(IndexRows.lexemes("o'brien back\\slash  double")).isEqualTo("'o''brien' 'back\\\\slash' 'double'");
    assertThat(IndexRows.lexemes("")).isEmpty();
  }

  @Test
  void lexemesAreWhatSplittingAndReplacingMadeOfThemBefore() {
    Random random = new Random(10);
    String alphabet = "ab '\\\u00fc";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder words = new StringBuilder();
      for (int length = random.nextInt(12); length > 0; length--) {
        words.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String text = words.toString();
      assertThat(IndexRows.lexemes(text)).as(text).isEqualTo(formerLexemes(text));
    }
  }

  /** How lexemes were made before they were made in one pass. */
  private static String formerLexemes(String words) {
    StringBuilder lexemes = new StringBuilder();
    for (String word : words.split(" ")) {
      if (!word.isEmpty()) {
        lexemes.append(lexemes.isEmpty() ? "'" : " '").append(word.replace("\\", "\\\\").replace("'", "''"))
            .append('\'');
      }
    }
    return lexemes.toString();
  }

  @Test
  void aTableSelectsItsRowsFromOneArrayPerColumnInColumnOrder() {
    IndexRows.Table tokens = table("search_token");

    assertThat(tokens.select()).isEqualTo("SELECT * FROM unnest(?::int4[], ?::int8[], ?::text[], ?::text[],"
        + " ?::text[], ?::text[]) AS t(param, rid, system, code, qsystem, qcode)");
    assertThat(tokens.insert("import_")).startsWith("INSERT INTO import_search_token (param, rid, system, code,");
    assertThat(IndexRows.columns("search_uri")).isEqualTo("param,rid,value");
  }

  @Test
  void anUnknownTableIsRefused() {
    assertThatThrownBy(() -> IndexRows.columns("search_nothing")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("No index table search_nothing");
  }

  @Test
  void everyIndexTableTheWriterKnowsHasRows() {
    assertThat(rows.tables()).extracting(IndexRows.Table::name).containsExactlyElementsOf(IndexWriter.TABLES);
  }

  private IndexRows.Table table(String name) {
    return rows.tables().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }
}
