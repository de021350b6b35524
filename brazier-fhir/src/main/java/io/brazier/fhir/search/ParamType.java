package io.brazier.fhir.search;

import java.util.List;
import java.util.Locale;

/**
 * The FHIR search parameter types and the modifiers this server supports on each.
 * https://hl7.org/fhir/R4/search.html#ptypes
 */
public enum ParamType {
  NUMBER(List.of("missing")),
  DATE(List.of("missing")),
  STRING(List.of("missing", "exact", "contains")),
  TOKEN(List.of("missing", "text", "not", "above", "below", "in", "not-in", "of-type")),
  REFERENCE(List.of("missing", "type", "identifier")),
  COMPOSITE(List.of("missing")),
  QUANTITY(List.of("missing")),
  URI(List.of("missing", "above", "below")),
  SPECIAL(List.of("missing"));

  private final List<String> modifiers;

  ParamType(List<String> modifiers) {
    this.modifiers = modifiers;
  }

  /** The modifiers a client may use; {@code type} stands for the {@code :[type]} modifier of references. */
  public List<String> modifiers() {
    return modifiers;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ParamType of(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
