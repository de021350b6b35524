package io.brazier.fhir.search;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The words of full-text search ({@code _text}, {@code _content}): runs of letters and digits, mostly letters,
 * folded like strings, at least two characters long. The same splitting serves the indexed text and the searched
 * one.
 */
public final class Words {
  /** Most distinct words indexed per resource and parameter, so that a huge resource stays a bounded entry. */
  static final int MAX_WORDS = 4096;
  private static final int MAX_WORD_LENGTH = 64;

  private Words() {}

  public static List<String> of(String text) {
    Set<String> words = new LinkedHashSet<>();
    add(words, text);
    return new ArrayList<>(words);
  }

  static void add(Set<String> words, String text) {
    String folded = SearchStrings.fold(text);
    int start = -1;
    int letters = 0;
    for (int i = 0; i <= folded.length() && words.size() < MAX_WORDS; i++) {
      char c = i < folded.length() ? folded.charAt(i) : ' ';
      boolean word = Character.isLetterOrDigit(c);
      if (word && start < 0) {
        start = i;
        letters = 0;
      }
      if (word && Character.isLetter(c)) {
        letters++;
      } else if (!word && start >= 0) {
        int length = i - start;
        // Words are mostly letters: numbers and ids (uuid fragments) are what tokens and dates search.
        if (length >= 2 && length <= MAX_WORD_LENGTH && letters * 2 > length) {
          words.add(folded.substring(start, i));
        }
        start = -1;
      }
    }
  }

  /** Values that are not text a person searches: identifiers, addresses of things, markup, base64. */
  private static final Set<String> NOT_CONTENT = Set.of("div", "data", "id", "reference", "system", "url", "profile",
      "fullUrl", "versionId", "lastUpdated", "source", "valueSet");

  /**
   * The words of the string values of a resource's JSON, keys left out, as are the values of
   * {@link #NOT_CONTENT} keys: what {@code _content} searches.
   */
  public static List<String> ofJson(String json) {
    Set<String> words = new LinkedHashSet<>();
    String key = null;
    int i = 0;
    while (i < json.length() && words.size() < MAX_WORDS) {
      char c = json.charAt(i);
      if (c != '"') {
        i++;
        continue;
      }
      int end = i + 1;
      StringBuilder value = new StringBuilder();
      while (end < json.length() && json.charAt(end) != '"') {
        char v = json.charAt(end);
        if (v == '\\') {
          // An escape (\n, \", \u0009) separates words; HAPI writes non-ASCII letters unescaped, so words survive.
          end += end + 1 < json.length() && json.charAt(end + 1) == 'u' ? 6 : 2;
          value.append(' ');
        } else {
          value.append(v);
          end++;
        }
      }
      int next = end + 1;
      while (next < json.length() && Character.isWhitespace(json.charAt(next))) {
        next++;
      }
      if (next < json.length() && json.charAt(next) == ':') {
        key = value.toString();
      } else if (!NOT_CONTENT.contains(key)) {
        add(words, value.toString());
      }
      i = end + 1;
    }
    return new ArrayList<>(words);
  }
}
