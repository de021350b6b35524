package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.Strings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WordsTest {
  @Test
  void wordsAreFoldedRunsOfMostlyLettersOfTwoOrMore() {
    assertThat(Words.of("Zoë's  BODY-height 8302-2 a 12ab x9 covid19"))
        .containsExactly("zoe", "body", "height", "covid19");
  }

  @Test
  void theContentOfJsonIsItsValuesWithoutKeysIdsUrlsOrMarkup() {
    String json = "{\"resourceType\":\"Patient\",\"id\":\"abc123def\",\"meta\":{\"profile\":[\"http://x.org/sd\"]},"
        + "\"text\":{\"div\":\"<div>Hidden</div>\"},\"name\":[{\"family\":\"Ström\",\"given\":[\"Ann\\nMarie\"]}],"
        + "\"managingOrganization\":{\"reference\":\"Organization/org1\",\"display\":\"Acme Health\"},"
        + "\"extension\":[{\"url\":\"http://x.org/ext\",\"valueString\":\"Quoted \\\"word\\\" \\u00e9t\\u00e9\"}]}";

    assertThat(Words.ofJson(json.getBytes(StandardCharsets.UTF_8)))
        .containsExactly("patient", "strom", "ann", "marie", "acme", "health", "quoted", "word");
  }

  @Test
  void theFastWayForAsciiFindsTheWordsTheExactWayFinds() {
    for (String text : List.of("Body-height 8302-2", "O'Brien, Mary-Jane", "covid19 x9 a1b2c3 abc", "HbA1c 6.5%",
        "a".repeat(64) + " " + "b".repeat(65), "tab\tseparated\rwords")) {
      String json = "{\"note\":\"" + text.replace("\t", "\\t").replace("\r", "\\r") + "\"}";

      assertThat(Words.ofJson(json.getBytes(StandardCharsets.UTF_8))).as(text).isEqualTo(Words.of(text));
    }
  }

  @Test
  void theFirstQuoteOrBackslashIsFoundAtAnyPlaceAmongAnyOtherBytes() {
    List<String> wrong = new ArrayList<>();
    for (int other = 0; other < 256; other++) {
      for (int place = 0; place < Long.BYTES; place++) {
        for (int b = 0; b < 256; b++) {
          long bytes = 0;
          int first = Long.BYTES;
          for (int i = Long.BYTES - 1; i >= 0; i--) {
            int at = i == place ? b : other;
            bytes |= (long) at << (8 * i);
            first = at == '"' || at == '\\' ? i : first;
          }
          long found = Words.quotesAndBackslashes(bytes);
          if (found == 0 ? first < Long.BYTES : Long.numberOfTrailingZeros(found) >>> 3 != first) {
            wrong.add(Long.toHexString(bytes));
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void everyStringEndsAtItsClosingQuoteWhateverItsLengthAndEscapes() {
    // Pieces of JSON string text, and the text Words reads in each (an escape separates words as a space does).
    List<String> json = List.of("ab", "abcdefghij", "\\\"", "\\\\", "\u00e9", " ", "\\u00e9");
    List<String> read = List.of("ab", "abcdefghij", " ", " ", "\u00e9", " ", " ");
    for (String places : Strings.joined(List.of("0", "1", "2", "3", "4", "5", "6"), 5)) {
      StringBuilder value = new StringBuilder();
      StringBuilder text = new StringBuilder();
      for (char place : places.toCharArray()) {
        value.append(json.get(place - '0'));
        text.append(read.get(place - '0'));
      }
      Set<String> expected = new LinkedHashSet<>(Words.of(text.toString()));
      expected.add("after");
      String line = "{\"note\":\"" + value + "\",\"more\":\"after\"}";

      assertThat(Words.ofJson(line.getBytes(StandardCharsets.UTF_8))).as(line).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void wordsOfMoreThan64CharactersAreNotWords() {
    assertThat(Words.of("a".repeat(64) + " " + "b".repeat(65))).containsExactly("a".repeat(64));
  }

  @Test
  void aHugeResourceIndexesABoundedNumberOfWords() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Words.MAX_WORDS + 500; i++) {
      text.append("word").append(letters(i)).append(' ');
    }
    String json = "{\"note\":\"" + text + "\"}";

    assertThat(Words.of(text.toString())).hasSize(Words.MAX_WORDS);
    assertThat(Words.ofJson(json.getBytes(StandardCharsets.UTF_8))).hasSize(Words.MAX_WORDS);
  }

  @Test
  void lettersOfOtherScriptsAreWordsFoldedAsStringsAre() {
    String json = "{\"text\":\"Ärztin Müller – ΑΘΗΝΑ 東京\"}";

    assertThat(Words.ofJson(json.getBytes(StandardCharsets.UTF_8))).containsExactly("arztin", "muller", "αθηνα",
        "東京");
  }

  /** {@code n} written in the letters a to z: a, b, ..., z, ba, bb, ... */
  private static String letters(int n) {
    StringBuilder letters = new StringBuilder();
    do {
      letters.insert(0, (char) ('a' + n % 26));
      n /= 26;
    } while (n > 0);
    return letters.toString();
  }
}
