package io.brazier.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * FHIR strings may not hold characters below U+0020 other than tab, carriage return and line feed
 * (https://hl7.org/fhir/R4/datatypes.html#string); PostgreSQL text cannot hold U+0000 at all. A resource is checked in
 * the JSON it is stored as, whatever it came from (a JSON or XML body, a bundle entry, a patch): one pass over its
 * bytes, and only when that finds one, a walk of its tree to name the element for the client.
 */
public final class ControlCharacters {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final String RULE = "FHIR strings may not hold characters below U+0020 other than tab, carriage"
      + " return and line feed.";

  private ControlCharacters() {}

  /** Whether a FHIR string may not hold {@code c}. */
  public static boolean forbidden(int c) {
    return c >= 0 && c < 0x20 && c != '\t' && c != '\n' && c != '\r';
  }

  /** The first character of {@code text} a FHIR string may not hold, or -1. */
  public static int find(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (forbidden(text.charAt(i))) {
        return text.charAt(i);
      }
    }
    return -1;
  }

  /** Refuses a search value that holds a control character, naming the parameter. */
  public static void checkValue(String parameter, String value) {
    int found = find(value);
    if (found >= 0) {
      throw FhirException.badRequest("The value of " + parameter + " holds the control character "
          + codePoint(found) + ": " + RULE);
    }
  }

  /**
   * Refuses a resource in JSON (written by Jackson or HAPI, so control characters appear as escapes: a unicode
   * escape or {@code \b}, {@code \f}) that holds one: a 400 naming the element, such as {@code Patient.name[0].family}.
   */
  public static void check(byte[] json) {
    int found = scan(json);
    if (found >= 0) {
      String element = locate(json);
      FhirException refused = new FhirException(400, IssueType.VALUE,
          "The control character " + codePoint(found) + " is not allowed: " + RULE);
      throw element == null ? refused : refused.at(element);
    }
  }

  /** The first forbidden character in {@code json}, escaped or raw, or -1. */
  private static int scan(byte[] json) {
    for (int i = 0; i < json.length; i++) {
      byte b = json[i];
      if (b == '\\' && i + 1 < json.length) {
        int escaped = escaped(json, i + 1);
        if (forbidden(escaped)) {
          return escaped;
        }
        i++;
      } else if (forbidden(b)) {
        return b;
      }
    }
    return -1;
  }

  /** The character an escape stands for, from the byte after its backslash; -1 for anything printable. */
  private static int escaped(byte[] json, int at) {
    return switch (json[at]) {
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'u' -> unicodeEscape(json, at + 1);
      default -> -1;
    };
  }

  /** The character of a unicode escape whose four hex digits start at {@code at}, when below U+0020; else -1. */
  private static int unicodeEscape(byte[] json, int at) {
    if (at + 3 >= json.length || json[at] != '0' || json[at + 1] != '0'
        || (json[at + 2] != '0' && json[at + 2] != '1')) {
      return -1;
    }
    int low = Character.digit(json[at + 3], 16);
    return low < 0 ? -1 : (json[at + 2] - '0') * 16 + low;
  }

  /** The path of the first string holding a forbidden character ({@code Patient.name[0].family}), or null. */
  private static String locate(byte[] json) {
    try {
      JsonNode tree = JSON.readTree(json);
      return locate(tree, tree.path("resourceType").asText("Resource"));
    } catch (IOException e) {
      return null;
    }
  }

  private static String locate(JsonNode node, String path) {
    if (node.isTextual()) {
      return find(node.asText()) >= 0 ? path : null;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String found = locate(node.get(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String found = find(field.getKey()) >= 0 ? path : locate(field.getValue(), path + "." + field.getKey());
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static String codePoint(int c) {
    return String.format("U+%04X", c);
  }
}
