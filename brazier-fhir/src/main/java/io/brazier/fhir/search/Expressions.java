package io.brazier.fhir.search;

import java.util.ArrayList;
import java.util.List;

/** Splits the FHIRPath of a parameter shared by many resource types into the part that concerns one type. */
final class Expressions {
  private Expressions() {}

  /**
   * The union terms of {@code expression} that start with {@code base} (or with Resource or DomainResource), joined
   * again; the whole expression when no term names a type, which keeps custom expressions intact.
   */
  static String forBase(String expression, String base) {
    if (expression == null) {
      return null;
    }
    List<String> kept = new ArrayList<>();
    boolean typed = false;
    for (String term : terms(expression)) {
      String head = head(term);
      if (Character.isUpperCase(head.isEmpty() ? 'x' : head.charAt(0))) {
        typed = true;
      }
      if (head.equals(base) || head.equals("Resource") || head.equals("DomainResource")) {
        kept.add(term.trim());
      }
    }
    return typed ? String.join(" | ", kept) : expression;
  }

  /** The terms of the top-level union, outside parentheses and quotes. */
  static List<String> terms(String expression) {
    List<String> terms = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (c == '\'' && (i == 0 || expression.charAt(i - 1) != '\\')) {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
      } else if (!quoted && depth == 0 && c == '|') {
        terms.add(expression.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(expression.substring(start));
    return terms;
  }

  /** The first name of a term, past any opening parentheses: {@code (Observation.value as X)} gives Observation. */
  private static String head(String term) {
    int i = 0;
    while (i < term.length() && (term.charAt(i) == '(' || Character.isWhitespace(term.charAt(i)))) {
      i++;
    }
    int end = i;
    while (end < term.length() && Character.isLetterOrDigit(term.charAt(end))) {
      end++;
    }
    return term.substring(i, end);
  }
}
