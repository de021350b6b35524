package io.brazier.fhir.search;

import java.util.Locale;

/** The comparison prefixes of number, date and quantity values. https://hl7.org/fhir/R4/search.html#prefix */
public enum Prefix {
  EQ, NE, GT, LT, GE, LE, SA, EB, AP,
  /** Overlaps: {@code _filter}'s po on dates; no prefix of a search value. */
  PO;

  /** The prefix a value starts with, or null; a prefix is two letters followed by the value itself. */
  static Prefix of(String value) {
    if (value.regionMatches(true, 0, "po", 0, 2)) {
      return null;
    }
    if (value.length() < 3 || !Character.isLetter(value.charAt(0)) || !Character.isLetter(value.charAt(1))) {
      return null;
    }
    try {
      return valueOf(value.substring(0, 2).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
