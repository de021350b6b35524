package io.brazier.fhir.v2;

import io.brazier.fhir.FhirException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An HL7 version 2 message in its traditional encoding (chapter 2): segments on their own lines ({@code \r}, or
 * {@code \n} as files and JSON strings often carry them), the first of them MSH, whose MSH-1 and MSH-2 say how
 * fields and their parts are delimited and escaped.
 */
public final class V2Message {
  private final List<Segment> segments;

  private V2Message(List<Segment> segments) {
    this.segments = List.copyOf(segments);
  }

  /** The message of {@code text}; a 400 naming what is wrong with text that is not one. */
  public static V2Message parse(String text) {
    String message = text.startsWith("\uFEFF") ? text.substring(1) : text;
    List<String> lines = message.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    if (lines.isEmpty()) {
      throw FhirException.badRequest("The HL7 v2 message is empty.");
    }
    if (!lines.get(0).startsWith("MSH")) {
      throw FhirException.badRequest("An HL7 v2 message must begin with an MSH segment; this one begins with '"
          + abbreviated(lines.get(0)) + "'.");
    }
    Delimiters delimiters = delimiters(lines.get(0));
    Pattern segment = Pattern.compile("[A-Z][A-Z0-9]{2}(" + Pattern.quote(String.valueOf(delimiters.field()))
        + ".*)?", Pattern.DOTALL);
    List<Segment> segments = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!segment.matcher(line).matches()) {
        throw FhirException.badRequest("Segment " + (i + 1) + " of the HL7 v2 message does not begin with a"
            + " segment name (three capital letters or digits) and the field separator '" + delimiters.field()
            + "': '" + abbreviated(line) + "'.");
      }
      segments.add(new Segment(line, delimiters));
    }
    return new V2Message(segments);
  }

  /** MSH-1 and MSH-2: the field separator and the component, repetition, escape and subcomponent characters. */
  private static Delimiters delimiters(String msh) {
    if (msh.length() < 4 || Character.isLetterOrDigit(msh.charAt(3)) || Character.isWhitespace(msh.charAt(3))) {
      throw FhirException.badRequest("MSH-1, the field separator, must follow 'MSH' (as in 'MSH|^~\\&|'): it is"
          + " missing or a letter or digit.");
    }
    char field = msh.charAt(3);
    int end = msh.indexOf(field, 4);
    String encoding = end < 0 ? msh.substring(4) : msh.substring(4, end);
    if (encoding.length() < 4 || encoding.length() > 5 // a fifth, truncation (v2.7), is not used here
        || encoding.chars().distinct().count() < encoding.length() || encoding.indexOf(field) >= 0
        || encoding.chars().anyMatch(Character::isLetterOrDigit)) {
      throw FhirException.badRequest("MSH-2 must give four different encoding characters, component, repetition,"
          + " escape and subcomponent (as '^~\\&'), not '" + encoding + "'.");
    }
    return new Delimiters(field, encoding.charAt(0), encoding.charAt(1), encoding.charAt(2), encoding.charAt(3));
  }

  private static String abbreviated(String line) {
    return line.length() > 40 ? line.substring(0, 40) + "..." : line;
  }

  public List<Segment> segments() {
    return segments;
  }

  public Segment msh() {
    return segments.get(0);
  }

  /** The first segment of that name. */
  public Optional<Segment> first(String name) {
    return segments.stream().filter(segment -> segment.name().equals(name)).findFirst();
  }

  /** Every segment of that name, in the message's order. */
  public List<Segment> all(String name) {
    return segments.stream().filter(segment -> segment.name().equals(name)).toList();
  }
}
