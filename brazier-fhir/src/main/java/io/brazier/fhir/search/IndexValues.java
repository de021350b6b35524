package io.brazier.fhir.search;

import io.brazier.fhir.search.SearchIndex.DateEntry;
import io.brazier.fhir.search.SearchIndex.NumberEntry;
import io.brazier.fhir.search.SearchIndex.Qualifier;
import io.brazier.fhir.search.SearchIndex.QuantityEntry;
import io.brazier.fhir.search.SearchIndex.ReferenceEntry;
import io.brazier.fhir.search.SearchIndex.StringEntry;
import io.brazier.fhir.search.SearchIndex.TokenEntry;
import io.brazier.fhir.search.SearchIndex.UriEntry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Timing;
import org.hl7.fhir.r4.model.UriType;

/**
 * Turns the values a parameter's FHIRPath selects into index entries of the parameter's type, following the table of
 * https://hl7.org/fhir/R4/search.html#table: a HumanName is indexed by each of its parts, a CodeableConcept by each
 * coding (and its texts, for {@code :text}), a Period by its span, and so on. Values of a type that a parameter type
 * cannot index are skipped.
 */
final class IndexValues {
  private static final String CURRENCY = "urn:iso:std:iso:4217";

  private final Units units;
  private final Predicate<String> isResourceType;

  IndexValues(Units units, Predicate<String> isResourceType) {
    this.units = units;
    this.isResourceType = isResourceType;
  }

  void add(SearchIndex.Builder index, ParamType type, String param, Qualifier qualifier, Base value) {
    switch (type) {
      case STRING -> strings(value).forEach(text -> index.add(string(param, text, qualifier)));
      case TOKEN -> token(index, param, qualifier, value, true);
      case DATE -> {
        DateRange range = date(value);
        if (range != null) {
          index.add(new DateEntry(param, range.lo(), range.hi(), qualifier));
        }
      }
      case NUMBER -> {
        BigDecimal number = number(value);
        if (number != null) {
          index.add(new NumberEntry(param, number, null, qualifier));
        }
      }
      case QUANTITY -> quantities(value).forEach(quantity -> index.add(quantity(param, quantity, qualifier)));
      case REFERENCE -> reference(index, param, value);
      case URI -> {
        if (value instanceof PrimitiveType<?> primitive && primitive.hasValue()) {
          index.add(new UriEntry(param, SearchStrings.bounded(primitive.getValueAsString())));
        }
      }
      case SPECIAL -> {
        if (value instanceof Location.LocationPositionComponent position && position.hasLatitude()
            && position.hasLongitude()) {
          index.add(new SearchIndex.PositionEntry(param, position.getLatitude().doubleValue(),
              position.getLongitude().doubleValue()));
        }
      }
      default -> { }
    }
  }

  /** The second and third components of a three-part composite, both numbers, of one item. */
  void numbers(SearchIndex.Builder index, String param, Qualifier qualifier, Base second, Base third) {
    BigDecimal value = number(second);
    BigDecimal value2 = number(third);
    if (value != null && value2 != null) {
      index.add(new NumberEntry(param, value, value2, qualifier));
    }
  }

  /**
   * The token values of a composite's first component; a reference (DocumentReference's relationship) qualifies
   * by its literal text, such as {@code DocumentReference/123}, which the token of a search names.
   */
  List<Qualifier> qualifiers(Base value) {
    if (value instanceof Reference reference) {
      return reference.hasReference() ? List.of(new Qualifier(null, SearchStrings.bounded(reference.getReference())))
          : List.of();
    }
    SearchIndex.Builder tokens = new SearchIndex.Builder();
    token(tokens, "", null, value, false);
    List<Qualifier> qualifiers = new ArrayList<>();
    tokens.build().tokens().forEach(token -> qualifiers.add(new Qualifier(token.system(), token.code())));
    return qualifiers;
  }

  static StringEntry string(String param, String text, Qualifier qualifier) {
    return new StringEntry(param, SearchStrings.normalize(text), SearchStrings.bounded(text), qualifier);
  }

  private static List<String> strings(Base value) {
    List<String> texts = new ArrayList<>();
    if (value instanceof HumanName name) {
      addText(texts, name.getFamily());
      name.getGiven().forEach(given -> addText(texts, given.getValue()));
      name.getPrefix().forEach(prefix -> addText(texts, prefix.getValue()));
      name.getSuffix().forEach(suffix -> addText(texts, suffix.getValue()));
      addText(texts, name.getText());
    } else if (value instanceof Address address) {
      address.getLine().forEach(line -> addText(texts, line.getValue()));
      addText(texts, address.getCity());
      addText(texts, address.getDistrict());
      addText(texts, address.getState());
      addText(texts, address.getPostalCode());
      addText(texts, address.getCountry());
      addText(texts, address.getText());
    } else if (value instanceof CodeableConcept concept) {
      addText(texts, concept.getText());
      concept.getCoding().forEach(coding -> addText(texts, coding.getDisplay()));
    } else if (value instanceof Coding coding) {
      addText(texts, coding.getDisplay());
    } else if (value instanceof ContactPoint contact) {
      addText(texts, contact.getValue());
    } else if (value instanceof Identifier identifier) {
      addText(texts, identifier.getValue());
    } else if (value instanceof Reference reference) {
      addText(texts, reference.getDisplay());
    } else if (value instanceof PrimitiveType<?> primitive && !(value instanceof BooleanType)) {
      addText(texts, primitive.getValueAsString());
    }
    return texts;
  }

  private static void addText(List<String> texts, String text) {
    if (text != null && !text.isBlank()) {
      texts.add(text);
    }
  }

  /**
   * The tokens of a value, and with {@code texts} the texts of its codes for {@code :text}, which the tokens of a
   * composite's first component do without.
   */
  private void token(SearchIndex.Builder index, String param, Qualifier qualifier, Base value, boolean texts) {
    if (value instanceof Coding coding) {
      coding(index, param, qualifier, coding, texts);
    } else if (value instanceof CodeableConcept concept) {
      concept.getCoding().forEach(coding -> coding(index, param, qualifier, coding, texts));
      if (texts) {
        text(index, param, qualifier, concept.getText());
      }
    } else if (value instanceof Identifier identifier) {
      identifier(index, param, qualifier, identifier, texts);
    } else if (value instanceof ContactPoint contact) {
      if (contact.hasValue()) {
        index.add(token(param, contact.hasSystem() ? contact.getSystem().toCode() : null, contact.getValue(),
            qualifier));
      }
    } else if (value instanceof Enumeration<?> enumeration) {
      if (enumeration.hasValue()) {
        index.add(token(param, enumeration.getSystem(), enumeration.getValueAsString(), qualifier));
      }
    } else if (value instanceof PrimitiveType<?> primitive && primitive.hasValue()) {
      index.add(token(param, null, primitive.getValueAsString(), qualifier));
    }
  }

  private static void coding(SearchIndex.Builder index, String param, Qualifier qualifier, Coding coding,
      boolean texts) {
    if (coding.hasCode() || coding.hasSystem()) {
      index.add(token(param, coding.getSystem(), coding.getCode(), qualifier));
    }
    if (texts) {
      text(index, param, qualifier, coding.getDisplay());
    }
  }

  private static void identifier(SearchIndex.Builder index, String param, Qualifier qualifier, Identifier identifier,
      boolean texts) {
    if (!identifier.hasValue()) {
      return;
    }
    index.add(token(param, identifier.getSystem(), identifier.getValue(), qualifier));
    if (qualifier == null) {
      for (Coding type : identifier.getType().getCoding()) {
        // of-type matches system|code|value, all three given: the type's system and code go in the system column.
        if (type.hasSystem() && type.hasCode()) {
          index.add(token(SearchIndex.ofTypeOf(param), type.getSystem() + "|" + type.getCode(),
              identifier.getValue(), null));
        }
      }
      if (texts) {
        text(index, param, null, identifier.getType().getText());
      }
    }
  }

  /**
   * The text of a code, for {@code :text}: folded only, as its starts-with search is all that reads it; without an
   * exact form it stays out of the trigram index that {@code :contains} on strings needs (see V13).
   */
  private static void text(SearchIndex.Builder index, String param, Qualifier qualifier, String text) {
    if (qualifier == null && text != null && !text.isBlank()) {
      index.add(new StringEntry(SearchIndex.textOf(param), SearchStrings.normalize(text), null, null));
    }
  }

  private static TokenEntry token(String param, String system, String code, Qualifier qualifier) {
    return new TokenEntry(param, system == null ? null : SearchStrings.bounded(system),
        code == null ? null : SearchStrings.bounded(code), qualifier);
  }

  static DateRange date(Base value) {
    try {
      if (value instanceof BaseDateTimeType date && date.hasValue()) {
        return DateRange.parse(date.getValueAsString());
      }
      if (value instanceof Period period) {
        DateRange start = period.hasStart() ? DateRange.parse(period.getStartElement().getValueAsString()) : null;
        DateRange end = period.hasEnd() ? DateRange.parse(period.getEndElement().getValueAsString()) : null;
        return start == null && end == null ? null : DateRange.between(start, end);
      }
      if (value instanceof Timing timing) {
        return timing(timing);
      }
      if (value instanceof StringType text && text.hasValue()) {
        return DateRange.parse(text.getValue());
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return null;
  }

  private static DateRange timing(Timing timing) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (var event : timing.getEvent()) {
      if (event.hasValue()) {
        DateRange range = DateRange.parse(event.getValueAsString());
        lo = Math.min(lo, range.lo());
        hi = Math.max(hi, range.hi());
      }
    }
    if (timing.hasRepeat() && timing.getRepeat().hasBoundsPeriod()) {
      DateRange bounds = date(timing.getRepeat().getBoundsPeriod());
      if (bounds != null) {
        lo = Math.min(lo, bounds.lo());
        hi = Math.max(hi, bounds.hi());
      }
    }
    return lo > hi ? null : new DateRange(lo, hi);
  }

  static BigDecimal number(Base value) {
    if (value instanceof DecimalType decimal && decimal.hasValue()) {
      return decimal.getValue();
    }
    if (value instanceof IntegerType integer && integer.hasValue()) {
      return BigDecimal.valueOf(integer.getValue());
    }
    if (value instanceof Quantity quantity && quantity.hasValue()) {
      return quantity.getValue();
    }
    return null;
  }

  private static List<Quantity> quantities(Base value) {
    if (value instanceof Quantity quantity && quantity.hasValue()) {
      return List.of(quantity);
    }
    if (value instanceof Money money && money.hasValue()) {
      return List.of(new Quantity().setValue(money.getValue()).setSystem(CURRENCY).setCode(money.getCurrency()));
    }
    if (value instanceof Range range) {
      List<Quantity> bounds = new ArrayList<>();
      if (range.getLow().hasValue()) {
        bounds.add(range.getLow());
      }
      if (range.getHigh().hasValue()) {
        bounds.add(range.getHigh());
      }
      return bounds;
    }
    return List.of();
  }

  private QuantityEntry quantity(String param, Quantity quantity, Qualifier qualifier) {
    String code = quantity.hasCode() ? quantity.getCode() : quantity.getUnit();
    String system = quantity.getSystem();
    Units.Canonical canonical = Units.UCUM.equals(system) || system == null
        ? units.canonical(quantity.getValue(), code).orElse(null) : null;
    return new QuantityEntry(param, quantity.getValue(), system == null ? null : SearchStrings.bounded(system),
        code == null ? null : SearchStrings.bounded(code), canonical == null ? null : canonical.value(),
        canonical == null ? null : canonical.unit(), qualifier);
  }

  private void reference(SearchIndex.Builder index, String param, Base value) {
    String text = null;
    if (value instanceof Reference reference) {
      if (reference.hasIdentifier()) {
        identifier(index, SearchIndex.identifierOf(param), null, reference.getIdentifier(), true);
      }
      text = reference.getReference();
      if (text == null && reference.getResource() != null) {
        text = reference.getResource().getIdElement().getValue();
      }
    } else if (value instanceof CanonicalType || value instanceof UriType) {
      text = ((PrimitiveType<?>) value).getValueAsString();
    }
    References.Target target = References.parse(text, isResourceType);
    if (target != null) {
      index.add(new ReferenceEntry(param, target.type(), target.id(), target.url(), target.version()));
    }
  }
}
