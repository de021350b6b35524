package io.brazier.sync.map;

import java.util.Map;

/**
 * One attribute map: which column gets which value of the resource.
 *
 * @param column the target column (null for an expand attribute, which writes no column of its own)
 * @param path the FHIRPath that reads the value, from the resource (or, in an expansion, from the array element)
 * @param expression {@code path} compiled; null when there is no path
 * @param type the column's type; lookups and codeable concepts are {@link ColumnType#UUID}
 * @param values for {@link Action#VALUE}: what each FHIR value becomes (gender {@code female} to 2)
 * @param value for {@link Action#DEFAULT}: the value written when the path (if any) gives nothing; for
 *     {@link Action#VALUE}: the value of a FHIR value the map does not list (null: none)
 * @param required the attribute must have a value to build a FHIR resource from a row (write-back)
 * @param element how write-back finds (and, when missing, creates) the element in the FHIR resource; null when the
 *     attribute is not written back
 * @param map for {@link Action#EXPAND}: the name of the expansion map that each element of the array goes to
 */
public record AttributeMap(String column, String path, Expression expression, ColumnType type, Action action,
    Map<String, Object> values, Object value, boolean required, ElementMap element, String map) {

  /** What an attribute does with what its path reads. */
  public enum Action {
    /** The value as it is, converted to the column's type. */
    COPY,
    /** A constant, when the path is missing or gives nothing. */
    DEFAULT,
    /** The value looked up in {@code values}: a choice (option set) of the system of engagement. */
    VALUE,
    /** The key of the referenced resource's row: a foreign key, computed from the reference alone. */
    LOOKUP,
    /** The key of a row of {@code msemr_codeableconcept} for the first coding (system, code, display). */
    CODEABLECONCEPT,
    /** Each element of the array becomes a row of the expansion map's table. */
    EXPAND
  }

  public AttributeMap {
    values = values == null ? Map.of() : Map.copyOf(values);
  }
}
