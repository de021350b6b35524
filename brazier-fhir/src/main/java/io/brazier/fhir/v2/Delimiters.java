package io.brazier.fhir.v2;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The characters a message separates its fields, components, repetitions and subcomponents with, and escapes them
 * with: MSH-1 and MSH-2 (HL7 v2 chapter 2, "Message delimiters"; {@code |^~\&} by custom, but any will do).
 */
record Delimiters(char field, char component, char repetition, char escape, char subcomponent) {

  /** {@code text} cut at each {@code separator}, empty parts kept (an empty field still holds its place). */
  static List<String> split(String text, char separator) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, start)) {
      parts.add(text.substring(start, at));
      start = at + 1;
    }
    parts.add(text.substring(start));
    return parts;
  }

  /**
   * The text an escaped value stands for (chapter 2, "Use of escape sequences in text fields"): {@code \F\ \S\ \T\
   * \R\ \E\} the delimiters, {@code \Xhh..\} the bytes of those hexadecimal digits (UTF-8 when they are, else
   * ISO 8859-1), {@code \.br\} a line break; the highlighting {@code \H\ \N\} is dropped. Sequences left (character
   * sets, local escapes) and an escape character that closes nothing stay as they are.
   */
  String unescape(String value) {
    if (value.indexOf(escape) < 0) {
      return value;
    }
    StringBuilder text = new StringBuilder(value.length());
    int at = 0;
    while (at < value.length()) {
      int start = value.indexOf(escape, at);
      int end = start < 0 ? -1 : value.indexOf(escape, start + 1);
      if (end < 0) {
        text.append(value, at, value.length());
        break;
      }
      text.append(value, at, start);
      String sequence = value.substring(start + 1, end);
      String meaning = meaning(sequence);
      text.append(meaning != null ? meaning : value.substring(start, end + 1));
      at = end + 1;
    }
    return text.toString();
  }

  /** What an escape sequence (between its escape characters) stands for; null for one not known here. */
  private String meaning(String sequence) {
    return switch (sequence) {
      case "F" -> String.valueOf(field);
      case "S" -> String.valueOf(component);
      case "T" -> String.valueOf(subcomponent);
      case "R" -> String.valueOf(repetition);
      case "E" -> String.valueOf(escape);
      case ".br" -> "\n";
      case "H", "N" -> "";
      default -> sequence.startsWith("X") ? hexadecimal(sequence.substring(1)) : null;
    };
  }

  private static String hexadecimal(String digits) {
    if (digits.isEmpty() || digits.length() % 2 != 0 || !digits.matches("[0-9A-Fa-f]+")) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < digits.length(); i += 2) {
      bytes.write(Integer.parseInt(digits.substring(i, i + 2), 16));
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException notUtf8) {
      return bytes.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
