package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** String search ignores case and accents: https://hl7.org/fhir/R4/search.html#string */
class SearchStringsTest {

  @Test
  void foldingIgnoresCaseAndAccents() {
    assertThat(SearchStrings.normalize("Ångström Zoë")).isEqualTo("angstrom zoe");
    assertThat(SearchStrings.normalize("ÉLODIE")).isEqualTo("elodie");
    assertThat(SearchStrings.normalize("Müller")).isEqualTo(SearchStrings.normalize("muller"));
  }

  @Test
  void foldingCollapsesWhitespaceAndTrimsIt() {
    assertThat(SearchStrings.fold("  Van \t Dyke\n ")).isEqualTo("van dyke");
    assertThat(SearchStrings.fold("   ")).isEmpty();
  }

  @Test
  void aDecomposedAccentFoldsLikeAComposedOne() {
    assertThat(SearchStrings.fold("Zoe\u0308")).isEqualTo(SearchStrings.fold("Zo\u00eb")).isEqualTo("zoe");
  }

  @Test
  void indexEntriesAreBoundedButFoldingAloneIsNot() {
    String longText = "A".repeat(SearchStrings.MAX_LENGTH * 2);

    assertThat(SearchStrings.normalize(longText)).isEqualTo("a".repeat(SearchStrings.MAX_LENGTH));
    assertThat(SearchStrings.fold(longText)).hasSize(SearchStrings.MAX_LENGTH * 2);
    assertThat(SearchStrings.bounded("short")).isEqualTo("short");
    assertThat(SearchStrings.bounded(longText)).hasSize(SearchStrings.MAX_LENGTH);
  }

  @Test
  void asciiIsFoldedAsCharactersTablesFoldIt() {
    for (char c = 0; c <= 0x7f; c++) {
      String value = c + "Ab" + c + c + "Z" + c;
      StringBuilder expected = new StringBuilder();
      boolean space = false;
      for (char v : value.toCharArray()) {
        if (Character.isWhitespace(v)) {
          space = expected.length() > 0;
        } else {
          expected.append(space ? " " : "").append(Character.toLowerCase(v));
          space = false;
        }
      }

      assertThat(SearchStrings.fold(value)).as("U+%04X", (int) c).isEqualTo(expected.toString());
    }
  }
}
