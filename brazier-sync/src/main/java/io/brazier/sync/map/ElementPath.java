package io.brazier.sync.map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSONPath subset of the original agent's element maps, on a resource's JSON: fields ({@code .name}), positions
 * ({@code [0]}) and filters of equal fields ({@code [?(@.system=='phone' && @.use=='mobile')]}), the first match of
 * each step taken. Enough to find an element to set or remove, which is all write-back asks of it.
 */
final class ElementPath {
  private static final Pattern STEP = Pattern.compile(
      "\\.([A-Za-z_][A-Za-z0-9_]*)|\\[(\\d+)]|\\[\\?\\((.+?)\\)]");
  private static final Pattern CONDITION = Pattern.compile("\\s*@\\.([A-Za-z_][A-Za-z0-9_]*)\\s*==\\s*'([^']*)'\\s*");

  private final String text;
  private final List<Step> steps;

  /** One step: a field, a position in an array, or the first element of an array whose fields have these values. */
  private sealed interface Step permits Field, Position, Filter {}

  private record Field(String name) implements Step {}

  private record Position(int index) implements Step {}

  private record Filter(List<String[]> equals) implements Step {}

  /** Where a value is or goes: a field of an object, or a position in an array (its end: appended). */
  record Location(JsonNode container, String field, int index) {

    JsonNode get() {
      return field != null ? container.get(field) : index < container.size() ? container.get(index) : null;
    }

    void set(JsonNode value) {
      if (field != null) {
        ((ObjectNode) container).set(field, value);
      } else if (index < container.size()) {
        ((ArrayNode) container).set(index, value);
      } else {
        ((ArrayNode) container).add(value);
      }
    }

    void remove() {
      if (field != null) {
        ((ObjectNode) container).remove(field);
      } else if (index < container.size()) {
        ((ArrayNode) container).remove(index);
      }
    }
  }

  private ElementPath(String text, List<Step> steps) {
    this.text = text;
    this.steps = List.copyOf(steps);
  }

  /**
   * A path from the resource ({@code $.telecom[0].value}) or relative to an element ({@code given[0]}).
   *
   * @throws IllegalArgumentException when it is not of the subset
   */
  static ElementPath parse(String text) {
    String rest = text.startsWith("$") ? text.substring(1) : "." + text;
    List<Step> steps = new ArrayList<>();
    Matcher matcher = STEP.matcher(rest);
    int at = 0;
    while (at < rest.length()) {
      if (!matcher.find(at) || matcher.start() != at) {
        throw new IllegalArgumentException("'" + text + "' is not a path of .fields, [positions] and"
            + " [?(@.field=='value' && ...)] filters (at character " + (at + 1) + ")");
      }
      steps.add(step(text, matcher));
      at = matcher.end();
    }
    if (steps.isEmpty() || steps.get(steps.size() - 1) instanceof Filter) {
      throw new IllegalArgumentException("'" + text + "' must end in a field or a position");
    }
    return new ElementPath(text, steps);
  }

  private static Step step(String text, Matcher matcher) {
    if (matcher.group(1) != null) {
      return new Field(matcher.group(1));
    }
    if (matcher.group(2) != null) {
      return new Position(Integer.parseInt(matcher.group(2)));
    }
    List<String[]> equals = new ArrayList<>();
    for (String condition : matcher.group(3).split("&&")) {
      Matcher one = CONDITION.matcher(condition);
      if (!one.matches()) {
        throw new IllegalArgumentException("'" + text + "': the filter condition '" + condition.trim()
            + "' is not @.field=='value'");
      }
      equals.add(new String[] {one.group(1), one.group(2)});
    }
    return new Filter(equals);
  }

  /** Where this path leads in {@code root}: every step but the last must be there; null when one is not. */
  Location locate(JsonNode root) {
    JsonNode node = root;
    for (Step step : steps.subList(0, steps.size() - 1)) {
      node = next(node, step);
      if (node == null) {
        return null;
      }
    }
    return location(node, steps.get(steps.size() - 1));
  }

  /**
   * Where this path leads in {@code root}, making the objects and arrays on the way that are missing (an array's
   * element made is appended to it).
   *
   * @throws IllegalArgumentException when a step cannot be made where it leads (a field of a primitive, say)
   */
  Location make(ObjectNode root) {
    JsonNode node = root;
    for (int i = 0; i < steps.size() - 1; i++) {
      Step step = steps.get(i);
      JsonNode found = next(node, step);
      if (found == null) {
        Location location = location(node, step);
        if (location == null) {
          throw new IllegalArgumentException("'" + text + "' cannot be made in this resource");
        }
        found = steps.get(i + 1) instanceof Field ? root.objectNode() : root.arrayNode();
        location.set(found);
      }
      node = found;
    }
    Step step = steps.get(steps.size() - 1);
    // A position past the end of an array is its end: a template's telecom[2] is appended to a shorter telecom.
    Location last = step instanceof Position position && node.isArray()
        ? new Location(node, null, Math.min(position.index(), node.size())) : location(node, step);
    if (last == null) {
      throw new IllegalArgumentException("'" + text + "' cannot be made in this resource");
    }
    return last;
  }

  /** The field name this path ends in, when it is one field (an assignment's {@code use}); otherwise null. */
  String singleField() {
    return steps.size() == 1 && steps.get(0) instanceof Field field ? field.name() : null;
  }

  private static JsonNode next(JsonNode node, Step step) {
    if (step instanceof Field field) {
      return node.isObject() ? node.get(field.name()) : null;
    }
    if (!node.isArray()) {
      return null;
    }
    if (step instanceof Position position) {
      return position.index() < node.size() ? node.get(position.index()) : null;
    }
    for (JsonNode element : node) {
      if (matches(element, (Filter) step)) {
        return element;
      }
    }
    return null;
  }

  private static boolean matches(JsonNode element, Filter filter) {
    for (String[] equal : filter.equals()) {
      if (!equal[1].equals(element.path(equal[0]).asText(null))) {
        return false;
      }
    }
    return true;
  }

  private static Location location(JsonNode node, Step step) {
    if (step instanceof Field field && node.isObject()) {
      return new Location(node, field.name(), -1);
    }
    if (step instanceof Position position && node.isArray() && position.index() <= node.size()) {
      return new Location(node, null, Math.min(position.index(), node.size()));
    }
    return null;
  }

  @Override
  public String toString() {
    return text;
  }
}
