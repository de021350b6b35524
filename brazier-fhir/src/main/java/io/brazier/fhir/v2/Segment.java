package io.brazier.fhir.v2;

import java.util.ArrayList;
import java.util.List;

/**
 * One segment of a message: its name (PID, OBX, ...) and its fields by their one-based positions, as the standard
 * numbers them (PID-5 is the patient's name). MSH counts its field separator as MSH-1 and its encoding characters
 * as MSH-2, which no escaping applies to.
 */
public final class Segment {
  private final String name;
  private final List<String> fields;
  private final Delimiters delimiters;

  Segment(String text, Delimiters delimiters) {
    List<String> parts = Delimiters.split(text, delimiters.field());
    this.name = parts.get(0);
    this.delimiters = delimiters;
    this.fields = name.equals("MSH") ? mshFields(parts, delimiters) : parts;
  }

  /** MSH's fields at their positions: MSH-1 is the separator that the split removed, so each later field moves up. */
  private static List<String> mshFields(List<String> parts, Delimiters delimiters) {
    List<String> fields = new ArrayList<>(parts.size() + 1);
    fields.add("MSH");
    fields.add(String.valueOf(delimiters.field()));
    fields.addAll(parts.subList(1, parts.size()));
    return fields;
  }

  public String name() {
    return name;
  }

  /** Field {@code position} (one-based); an empty field past the last. */
  public Field field(int position) {
    return new Field(raw(position), delimiters);
  }

  /** The text of a field's first repetition's first component, or null. */
  public String value(int field) {
    return value(field, 1);
  }

  /** The text of a component of a field's first repetition, or null. */
  public String value(int field, int component) {
    if (name.equals("MSH") && field <= 2) {
      String raw = raw(field);
      return raw.isEmpty() ? null : raw;
    }
    return field(field).first().component(component);
  }

  private String raw(int position) {
    return position >= 1 && position < fields.size() ? fields.get(position) : "";
  }
}
