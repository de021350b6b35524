package io.brazier.fhir.search;

import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * How string values are compared: FHIR string search ignores case and accents, so both the indexed value and the
 * searched one are folded the same way. Index entries are bounded in length, because a database index entry is.
 */
public final class SearchStrings {
  /** Longest string kept in an index entry; longer values are compared on this prefix. */
  public static final int MAX_LENGTH = 256;
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");

  private SearchStrings() {}

  /** Lower case, accents removed, whitespace runs collapsed: "Ångström  Zoë" becomes "angstrom zoe". */
  public static String normalize(String value) {
    return bounded(fold(value));
  }

  /** {@link #normalize} without the length bound. */
  public static String fold(String value) {
    String text = value;
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) > 0x7f) {
        text = MARKS.matcher(Normalizer.normalize(value, Normalizer.Form.NFD)).replaceAll("");
        break;
      }
    }
    // A char array, not a StringBuilder, and ASCII read without Character's tables: every string and text value of
    // every write is folded.
    char[] folded = new char[text.length()];
    int length = 0;
    boolean space = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= 0x7f ? c == ' ' || c >= 0x09 && c <= 0x0d || c >= 0x1c && c <= 0x1f : Character.isWhitespace(c)) {
        space = length > 0;
      } else {
        if (space) {
          folded[length++] = ' ';
          space = false;
        }
        folded[length++] = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c <= 0x7f ? c : Character.toLowerCase(c);
      }
    }
    return new String(folded, 0, length);
  }

  public static String bounded(String value) {
    return value.length() <= MAX_LENGTH ? value : value.substring(0, MAX_LENGTH);
  }
}
