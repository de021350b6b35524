package io.brazier.fhir.search;

import io.brazier.fhir.FhirException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Reads the text of a {@code _filter} into a {@link Filter}, by recursive descent over the grammar of
 * https://hl7.org/fhir/R4/search_filter.html. {@code and} binds tighter than {@code or}, as in most languages (the
 * grammar leaves it open; parentheses make it explicit). Every syntax error is a 400 that names the character.
 */
final class FilterParser {
  /** Longest filter accepted, and how deep parentheses and brackets may nest. */
  static final int MAX_LENGTH = 8192;
  static final int MAX_DEPTH = 32;

  private final String text;
  private int pos;
  private int depth;

  private FilterParser(String text) {
    this.text = text;
  }

  static Filter parse(String text) {
    if (text.length() > MAX_LENGTH) {
      throw FhirException.badRequest("_filter is longer than " + MAX_LENGTH + " characters.");
    }
    FilterParser parser = new FilterParser(text);
    Filter filter = parser.or();
    parser.skipSpaces();
    if (parser.pos < text.length()) {
      throw parser.error("expected 'and', 'or' or the end of the filter");
    }
    return filter;
  }

  private Filter or() {
    return joined("or", this::and, Filter.Or::new);
  }

  private Filter and() {
    return joined("and", this::unary, Filter.And::new);
  }

  /** Terms separated by {@code keyword}; one term stands for itself. */
  private Filter joined(String keyword, Supplier<Filter> term, BiFunction<List<Filter>, Integer, Filter> join) {
    int at = skipSpaces();
    List<Filter> terms = new ArrayList<>(List.of(term.get()));
    while (keyword(keyword)) {
      terms.add(term.get());
    }
    return terms.size() == 1 ? terms.get(0) : join.apply(terms, at);
  }

  private Filter unary() {
    int at = skipSpaces();
    if (keyword("not")) {
      skipSpaces();
      if (!peek('(')) {
        throw error("expected '(' after 'not'");
      }
      return new Filter.Not(unary(), at);
    }
    if (peek('(')) {
      return nested('(', ')');
    }
    Filter.Path path = path();
    String operator = word().toLowerCase(Locale.ROOT);
    if (!Filter.OPERATORS.contains(operator)) {
      String operators = String.join(", ", Filter.OPERATORS);
      throw error(operator.isEmpty() ? "expected an operator (" + operators + ")"
          : "'" + operator + "' is not an operator; use one of " + operators, pos - operator.length());
    }
    return new Filter.Test(path, operator, value(), at);
  }

  /** A filter between {@code open} and {@code close}, which {@code pos} is at. */
  private Filter nested(char open, char close) {
    if (++depth > MAX_DEPTH) {
      throw error("parentheses and brackets nest more than " + MAX_DEPTH + " levels");
    }
    pos++;
    Filter inner = or();
    skipSpaces();
    if (!peek(close)) {
      throw error("expected '" + close + "' to close the '" + open + "'");
    }
    pos++;
    depth--;
    return inner;
  }

  private Filter.Path path() {
    int at = skipSpaces();
    int start = pos;
    while (pos < text.length() && isNameChar(text.charAt(pos))) {
      pos++;
    }
    String name = text.substring(start, pos);
    if (name.isEmpty()) {
      throw error("expected a search parameter name, 'not' or '('");
    }
    Filter filter = peek('[') ? nested('[', ']') : null;
    if (peek('.')) {
      pos++;
      return new Filter.Path(name, filter, path(), at);
    }
    if (filter != null) {
      throw error("expected '.' and a parameter after ']' (such as subject[name eq \"x\"].birthdate)");
    }
    return new Filter.Path(name, null, null, at);
  }

  /** A quoted string, with JSON escapes, or a run of characters up to a space, ']' or ')'. */
  private String value() {
    skipSpaces();
    if (peek('"')) {
      return quoted();
    }
    int start = pos;
    while (pos < text.length() && !Character.isWhitespace(text.charAt(pos)) && text.charAt(pos) != ']'
        && text.charAt(pos) != ')') {
      pos++;
    }
    if (start == pos) {
      throw error("expected a value");
    }
    return text.substring(start, pos);
  }

  private String quoted() {
    int start = pos++;
    StringBuilder value = new StringBuilder();
    while (pos < text.length() && text.charAt(pos) != '"') {
      char c = text.charAt(pos++);
      if (c == '\\') {
        if (pos >= text.length()) {
          break;
        }
        value.append(escaped());
      } else {
        value.append(c);
      }
    }
    if (pos >= text.length()) {
      throw error("the string that starts here has no closing '\"'", start);
    }
    pos++;
    return value.toString();
  }

  private char escaped() {
    char c = text.charAt(pos++);
    return switch (c) {
      case '"', '\\', '/' -> c;
      case 'n' -> '\n';
      case 't' -> '\t';
      case 'r' -> '\r';
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'u' -> {
        if (pos + 4 > text.length() || !isHex(text.substring(pos, pos + 4))) {
          throw error("'\\u' needs four hex digits", pos - 2);
        }
        char unicode = (char) Integer.parseInt(text.substring(pos, pos + 4), 16);
        pos += 4;
        yield unicode;
      }
      default -> throw error("'\\" + c + "' is not an escape; use \\\", \\\\, \\n, \\t or \\uXXXX", pos - 2);
    };
  }

  /** ASCII hex digits only: Integer.parseInt alone would also take a sign ({@code +0e9}) or other scripts' digits. */
  private static boolean isHex(String digits) {
    return digits.chars().allMatch(c -> "0123456789abcdefABCDEF".indexOf(c) >= 0);
  }

  /** Consumes {@code word} when it comes next as a whole word. */
  private boolean keyword(String word) {
    int at = skipSpaces();
    int end = at + word.length();
    if (text.regionMatches(true, at, word, 0, word.length())
        && (end == text.length() || !isNameChar(text.charAt(end)))) {
      pos = end;
      return true;
    }
    return false;
  }

  private String word() {
    skipSpaces();
    int start = pos;
    while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private int skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
    return pos;
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '-';
  }

  private FhirException error(String reason) {
    return error(reason, pos);
  }

  private FhirException error(String reason, int at) {
    return FhirException.badRequest(FilterCriteria.where(text, at) + reason + ".");
  }
}
