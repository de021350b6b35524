package io.brazier.fhir.search;

import io.brazier.fhir.FhirException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The search index values of one resource, by kind, each naming its parameter by code. Entries of a composite
 * parameter carry a {@link Qualifier}: the value of its first (token) component, stored beside the last one.
 */
public record SearchIndex(List<StringEntry> strings, List<TokenEntry> tokens, List<DateEntry> dates,
    List<NumberEntry> numbers, List<QuantityEntry> quantities, List<ReferenceEntry> references,
    List<UriEntry> uris, List<TextEntry> texts, List<PositionEntry> positions) {

  public static final SearchIndex EMPTY = new Builder().build();
  /** How the codes of contained resources' values begin ({@link #containedOf}). */
  public static final String CONTAINED = "contained:";

  /** The first component of a composite entry: a token. */
  public record Qualifier(String system, String code) {}

  /** {@code normalized} is folded for case- and accent-insensitive search; {@code exact} is as written. */
  public record StringEntry(String param, String normalized, String exact, Qualifier qualifier) {}

  public record TokenEntry(String param, String system, String code, Qualifier qualifier) {}

  /** Epoch milliseconds, both included; see {@link DateRange}. */
  public record DateEntry(String param, long lo, long hi, Qualifier qualifier) {}

  /**
   * {@code value2} is the third component of a three-part composite (a token and two numbers, such as
   * MolecularSequence's chromosome-variant-coordinate), held in the same row as the second; null otherwise.
   */
  public record NumberEntry(String param, BigDecimal value, BigDecimal value2, Qualifier qualifier) {}

  /** {@code canonicalValue} and {@code canonicalUnit} are set when the unit is UCUM. */
  public record QuantityEntry(String param, BigDecimal value, String system, String code, BigDecimal canonicalValue,
      String canonicalUnit, Qualifier qualifier) {}

  /** A local reference has a target type and id; an absolute or canonical one a url (and maybe a version). */
  public record ReferenceEntry(String param, String targetType, String targetId, String url, String version) {}

  public record UriEntry(String param, String uri) {}

  /** A place on earth (WGS84 degrees), for {@code near}. */
  public record PositionEntry(String param, double latitude, double longitude) {}

  /** The distinct words of a full-text parameter ({@code _text}, {@code _content}), folded like strings. */
  public record TextEntry(String param, List<String> words) {}

  /** The parameter under which the texts of a token parameter's codes are indexed, for {@code :text}. */
  public static String textOf(String param) {
    return param + ":text";
  }

  /** The parameter under which identifiers are indexed with their type, for {@code :of-type}. */
  public static String ofTypeOf(String param) {
    return param + ":of-type";
  }

  /** The parameter under which the identifiers of references are indexed, for {@code :identifier}. */
  public static String identifierOf(String param) {
    return param + ":identifier";
  }

  /**
   * The parameter under which the values of a resource of {@code type} contained in the indexed one are kept, beside
   * the container's own: never a real code (codes hold no colon), and one per container type, so that the index
   * tables and their keys stay as they are. {@code _id} holds the contained resource's local id.
   */
  public static String containedOf(String type, String param) {
    return CONTAINED + type + ":" + param;
  }

  public int size() {
    return strings.size() + tokens.size() + dates.size() + numbers.size() + quantities.size() + references.size()
        + uris.size() + texts.size() + positions.size();
  }

  /**
   * Collects entries, dropping duplicates (a resource matches a value once, however often it holds it), up to a
   * most: the entry past it is a 422, before the rest are made (see {@link #Builder(int)}).
   */
  public static final class Builder {
    private final int maxEntries;
    private int entries;
    private final Set<StringEntry> strings = new LinkedHashSet<>();
    private final Set<TokenEntry> tokens = new LinkedHashSet<>();
    private final Set<DateEntry> dates = new LinkedHashSet<>();
    private final Set<NumberEntry> numbers = new LinkedHashSet<>();
    private final Set<QuantityEntry> quantities = new LinkedHashSet<>();
    private final Set<ReferenceEntry> references = new LinkedHashSet<>();
    private final Set<UriEntry> uris = new LinkedHashSet<>();
    private final List<TextEntry> texts = new ArrayList<>();
    private final Set<PositionEntry> positions = new LinkedHashSet<>();

    /** A builder of any number of entries. */
    public Builder() {
      this(Integer.MAX_VALUE);
    }

    /**
     * A builder of at most {@code maxEntries} entries: a resource's index rows are written, copied and merged in
     * one transaction, so that a pathological one (a Patient of a million given names) would hold the heap and the
     * database for minutes; past the most it fails alone, with a 422 that names the limit.
     */
    public Builder(int maxEntries) {
      this.maxEntries = maxEntries;
    }

    public Builder add(StringEntry entry) {
      return counted(strings.add(entry));
    }

    public Builder add(TokenEntry entry) {
      return counted(tokens.add(entry));
    }

    public Builder add(DateEntry entry) {
      return counted(dates.add(entry));
    }

    public Builder add(NumberEntry entry) {
      return counted(numbers.add(entry));
    }

    public Builder add(QuantityEntry entry) {
      return counted(quantities.add(entry));
    }

    public Builder add(ReferenceEntry entry) {
      return counted(references.add(entry));
    }

    public Builder add(UriEntry entry) {
      return counted(uris.add(entry));
    }

    public Builder add(TextEntry entry) {
      return counted(texts.add(entry));
    }

    public Builder add(PositionEntry entry) {
      return counted(positions.add(entry));
    }

    private Builder counted(boolean added) {
      if (added && ++entries > maxEntries) {
        throw FhirException.unprocessable("The resource has more than " + maxEntries + " search index entries, the"
            + " most one resource may have (--max-index-entries).");
      }
      return this;
    }

    public SearchIndex build() {
      return new SearchIndex(List.copyOf(strings), List.copyOf(tokens), List.copyOf(dates), List.copyOf(numbers),
          List.copyOf(quantities), List.copyOf(references), List.copyOf(uris), List.copyOf(texts),
          List.copyOf(positions));
    }
  }
}
