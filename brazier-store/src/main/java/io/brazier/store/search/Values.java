package io.brazier.store.search;

import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.Criterion.DateValue;
import io.brazier.fhir.search.Criterion.NumberValue;
import io.brazier.fhir.search.Criterion.QuantityValue;
import io.brazier.fhir.search.Criterion.ReferenceValue;
import io.brazier.fhir.search.Criterion.StringMode;
import io.brazier.fhir.search.Criterion.TokenValue;
import io.brazier.fhir.search.Criterion.UriMode;
import io.brazier.fhir.search.DateRange;
import io.brazier.fhir.search.ParamType;
import io.brazier.fhir.search.Prefix;
import io.brazier.fhir.search.SearchStrings;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL condition one search value sets on an index row, with the semantics of
 * https://hl7.org/fhir/R4/search.html: a date matches by how the span of the stored value relates to the span of the
 * searched one ({@code eq}: inside it; {@code gt}: some of it after; {@code ge}: either), a number or quantity by the
 * range its precision implies, a string by its folded prefix.
 */
final class Values {
  /** {@code ap} allows 10% of the distance to now for dates, 10% of the value for numbers. */
  private static final double APPROXIMATELY = 0.1;
  private static final BigDecimal AP_FACTOR = BigDecimal.valueOf(APPROXIMATELY);
  private final Clock clock = Clock.systemUTC();

  static String table(ParamType type) {
    return switch (type) {
      case STRING -> "search_string";
      case TOKEN -> "search_token";
      case DATE -> "search_date";
      case NUMBER -> "search_number";
      case QUANTITY -> "search_quantity";
      case REFERENCE -> "search_reference";
      case URI -> "search_uri";
      case SPECIAL -> "search_position";
      default -> throw new IllegalArgumentException("No index table for " + type);
    };
  }

  /** Tokens; long lists (expanded value sets) compare system|code against one array. */
  void tokens(Sql sql, String i, List<TokenValue> tokens) {
    List<Object> pairs = new ArrayList<>();
    List<Object> codes = new ArrayList<>();
    List<TokenValue> others = new ArrayList<>();
    for (TokenValue token : tokens) {
      if (token.system() != null && token.code() != null && tokens.size() > 8) {
        pairs.add(token.system() + "|" + token.code());
        codes.add(token.code());
      } else {
        others.add(token);
      }
    }
    if (tokens.isEmpty()) {
      sql.append("false");
      return;
    }
    if (!pairs.isEmpty()) {
      sql.array("(" + i + ".code = ANY(?)", "text", codes.toArray())
          .array(" AND " + i + ".system || '|' || " + i + ".code = ANY(?))", "text", pairs.toArray());
      sql.append(others.isEmpty() ? "" : " OR ");
    }
    CriteriaSql.any(sql, others, token -> token(sql, i + ".system", i + ".code", token));
  }

  void reference(Sql sql, String i, ReferenceValue value, Keys keys) {
    if (value.url() != null) {
      sql.append(i + ".url = ?", value.url());
      if (value.version() != null) {
        sql.append(" AND " + i + ".version = ?", value.version());
      }
      return;
    }
    sql.append(i + ".tid = ?", value.id());
    if (value.type() != null) {
      sql.append(" AND " + i + ".ttype = ?", keys.type(value.type()));
    }
  }

  void token(Sql sql, String system, String code, TokenValue token) {
    if (token.code() != null) {
      sql.append(code + " = ?", token.code());
      if (token.system() != null) {
        sql.append(" AND " + system + " = ?", token.system());
      } else if (token.systemGiven()) {
        sql.append(" AND " + system + " IS NULL");
      }
    } else {
      sql.append(system + " = ?", token.system());
    }
  }

  /**
   * A folded prefix is a range, which the B-tree serves even in a generic plan (where LIKE ? would not be); a folded
   * infix is LIKE '%x%' with the client's metacharacters escaped, which the trigram index serves (V4; V13 leaves
   * out the texts of codes, which have no exact form and are no string parameter's values).
   */
  void string(Sql sql, String i, StringMode mode, String text) {
    String folded = SearchStrings.normalize(text);
    switch (mode) {
      case EXACT -> sql.append(i + ".value = ?", folded).append(" AND " + i + ".exact = ?", SearchStrings.bounded(text));
      case CONTAINS -> sql.append(i + ".value LIKE ?", "%" + escapeLike(folded) + "%").append(withExact(i));
      case ENDS_WITH -> sql.append(i + ".value LIKE ?", "%" + escapeLike(folded)).append(withExact(i));
      case EQUALS -> sql.append(i + ".value = ?", folded);
      default -> {
        if (folded.isEmpty()) {
          sql.append("true");
        } else {
          sql.append(i + ".value >= ?", folded).append(" AND " + i + ".value < ?", upperBound(folded));
        }
      }
    }
  }

  /** The condition of the trigram index, which the planner must see in a query to use it. */
  private static String withExact(String i) {
    return " AND " + i + ".exact IS NOT NULL";
  }

  private static String escapeLike(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  /** The least string greater than every string that starts with {@code prefix}, in byte (C collation) order. */
  static String upperBound(String prefix) {
    int last = prefix.codePointBefore(prefix.length());
    return prefix.substring(0, prefix.length() - Character.charCount(last)) + Character.toString(last + 1);
  }

  void uri(Sql sql, String column, UriMode mode, String uri) {
    switch (mode) {
      case BELOW -> sql.append(column + " >= ?", uri).append(" AND " + column + " < ?", upperBound(uri));
      case ABOVE -> sql.array(column + " = ANY(?)", "text", ancestors(uri).toArray());
      default -> sql.append(column + " = ?", SearchStrings.bounded(uri));
    }
  }

  /** A URI and every URI above it, cut at each '/' after the authority. */
  static List<String> ancestors(String uri) {
    List<String> ancestors = new ArrayList<>();
    int start = uri.indexOf("://");
    int from = start < 0 ? 0 : start + 3;
    String current = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    ancestors.add(SearchStrings.bounded(current));
    for (int slash = current.lastIndexOf('/'); slash > from; slash = current.lastIndexOf('/')) {
      current = current.substring(0, slash);
      ancestors.add(SearchStrings.bounded(current));
    }
    return ancestors;
  }

  /** A date against a stored span [lo, hi] (epoch milliseconds, both included). */
  void date(Sql sql, String lo, String hi, DateValue value) {
    long slo = value.range().lo();
    long shi = value.range().hi();
    switch (value.prefix()) {
      case EQ -> sql.append(lo + " >= ?", slo).append(" AND " + hi + " <= ?", shi);
      case NE -> sql.append("NOT (" + lo + " >= ?", slo).append(" AND " + hi + " <= ?)", shi);
      case GT -> sql.append(hi + " > ?", shi);
      case LT -> sql.append(lo + " < ?", slo);
      case GE -> sql.append(hi + " > ?", shi).append(" OR (" + lo + " >= ?", slo).append(" AND " + hi + " <= ?)", shi);
      case LE -> sql.append(lo + " < ?", slo).append(" OR (" + lo + " >= ?", slo).append(" AND " + hi + " <= ?)", shi);
      case SA -> sql.append(lo + " > ?", shi);
      case EB -> sql.append(hi + " < ?", slo);
      case AP -> {
        DateRange wide = approximately(value.range());
        sql.append(lo + " <= ?", wide.hi()).append(" AND " + hi + " >= ?", wide.lo());
      }
      case PO -> sql.append(lo + " <= ?", shi).append(" AND " + hi + " >= ?", slo);
    }
  }

  /** {@code _lastUpdated} against the resource's own instant: a point, so the span conditions simplify. */
  void lastUpdated(Sql sql, String column, DateValue value) {
    DateRange range = value.prefix() == Prefix.AP ? approximately(value.range()) : value.range();
    Timestamp lo = timestamp(range.lo());
    Timestamp hi = timestamp(range.hi());
    switch (value.prefix()) {
      case EQ, AP, PO -> sql.append(column + " >= ?", lo).append(" AND " + column + " <= ?", hi);
      case NE -> sql.append("NOT (" + column + " >= ?", lo).append(" AND " + column + " <= ?)", hi);
      case GT, SA -> sql.append(column + " > ?", hi);
      case LT, EB -> sql.append(column + " < ?", lo);
      case GE -> sql.append(column + " >= ?", lo);
      case LE -> sql.append(column + " <= ?", hi);
    }
  }

  private static Timestamp timestamp(long millis) {
    long bounded = Math.max(-62_135_596_800_000L, Math.min(253_402_300_799_999L, millis));
    return Timestamp.from(Instant.ofEpochMilli(bounded));
  }

  private DateRange approximately(DateRange range) {
    long now = clock.millis();
    long distance = Math.max(Math.abs(now - range.lo()), Math.abs(now - range.hi()));
    long margin = Math.max((long) (distance * APPROXIMATELY), 86_400_000L);
    // Searched dates are years 0001-9999, so the margin cannot overflow.
    return new DateRange(range.lo() - margin, range.hi() + margin);
  }

  /** A number against a stored one; {@code eq} means inside the range the searched value's precision implies. */
  void number(Sql sql, String column, NumberValue value) {
    switch (value.prefix()) {
      case EQ -> sql.append(column + " >= ?", value.lo()).append(" AND " + column + " < ?", value.hi());
      case NE -> sql.append("NOT (" + column + " >= ?", value.lo()).append(" AND " + column + " < ?)", value.hi());
      case GT, SA -> sql.append(column + " > ?", value.value());
      case LT, EB -> sql.append(column + " < ?", value.value());
      case GE -> sql.append(column + " >= ?", value.value());
      case LE -> sql.append(column + " <= ?", value.value());
      case AP -> {
        BigDecimal margin = value.value().abs().multiply(AP_FACTOR);
        sql.append(column + " >= ?", value.value().subtract(margin))
            .append(" AND " + column + " <= ?", value.value().add(margin));
      }
    }
  }

  /** A quantity: canonical units compare canonical columns; otherwise system and code as given (null: any). */
  void quantity(Sql sql, String i, QuantityValue value) {
    if (value.canonical()) {
      sql.append(i + ".cunit = ? AND ", value.code());
      number(sql, i + ".cvalue", value.number());
      return;
    }
    if (value.system() != null) {
      sql.append(i + ".system = ? AND ", value.system());
    }
    if (value.code() != null) {
      sql.append(i + ".code = ? AND ", value.code());
    }
    number(sql, i + ".value", value.number());
  }

  /** Earth's mean radius, for great-circle distances. */
  private static final double EARTH_METERS = 6_371_008.8;

  /**
   * Within a distance of a place: a latitude/longitude box the index narrows to, then the haversine distance.
   */
  void near(Sql sql, String i, Criterion.Near near) {
    double degrees = Math.toDegrees(near.meters() / EARTH_METERS);
    double cosine = Math.max(Math.cos(Math.toRadians(near.latitude())), 1e-6);
    sql.append(i + ".latitude BETWEEN ?", near.latitude() - degrees).append(" AND ?", near.latitude() + degrees);
    if (degrees / cosine < 180) {
      sql.append(" AND " + i + ".longitude BETWEEN ?", near.longitude() - degrees / cosine)
          .append(" AND ?", near.longitude() + degrees / cosine);
    }
    sql.append(" AND 2 * " + EARTH_METERS + " * asin(sqrt(power(sin(radians(" + i + ".latitude - ?) / 2), 2)",
            near.latitude())
        .append(" + cos(radians(?))", near.latitude())
        .append(" * cos(radians(" + i + ".latitude)) * power(sin(radians(" + i + ".longitude - ?) / 2), 2))) <= ?",
            near.longitude())
        .arg(near.meters());
  }

  /** Full-text alternatives as a tsquery: ('a' & 'b') | 'c'. Words are letters and digits only, so quoting is safe. */
  static String tsquery(List<List<String>> alternatives) {
    List<String> terms = new ArrayList<>();
    for (List<String> words : alternatives) {
      terms.add("(" + String.join(" & ", words.stream().map(w -> "'" + w + "'").toList()) + ")");
    }
    return String.join(" | ", terms);
  }
}
