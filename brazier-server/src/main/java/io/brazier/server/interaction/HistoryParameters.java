package io.brazier.server.interaction;

import io.brazier.fhir.DateTimeRange;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.http.PageSizes;
import io.brazier.store.HistoryCursor;
import io.brazier.store.HistoryQuery;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The parameters of a history interaction, read into a store query: {@code _since} (an instant; a date stands for
 * its start), {@code _before} (the versions written before an instant, as R5 and Microsoft's FHIR server take it),
 * {@code _at} (a date or dateTime, with the search prefixes eq, ge, gt, le, lt, sa and eb; repeated values narrow each
 * other), {@code _count}, and {@code _cursor}, the opaque position where the previous page ended. Under
 * {@code Prefer: handling=strict} any other parameter is a 400, so that a client learns it was not applied (lenient,
 * the default, ignores it). https://hl7.org/fhir/R4/http.html#history, https://hl7.org/fhir/R5/http.html#history
 */
final class HistoryParameters {
  static final String CURSOR = "_cursor";
  /** What history reads, and what every answer takes (its format and which elements it holds). */
  private static final Set<String> KNOWN = Set.of("_since", "_before", "_at", "_count", CURSOR, "_format", "_pretty",
      "_summary", "_elements");

  private HistoryParameters() {}

  static HistoryQuery query(FhirRequest request, String type, String id, PageSizes pageSizes) {
    if (request.prefer().strict()) {
      refuseUnknown(request);
    }
    return new HistoryQuery(type, id, since(request), at(request), cursor(request), request.count(pageSizes));
  }

  private static void refuseUnknown(FhirRequest request) {
    for (String name : request.query().keySet()) {
      if (!KNOWN.contains(name)) {
        throw FhirException.badRequest("History does not know the parameter '" + name + "' (Prefer: handling=strict):"
            + " it takes _since, _before, _at and _count.");
      }
    }
  }

  private static Instant since(FhirRequest request) {
    String value = request.param("_since");
    return value == null ? null : range("_since", value).start();
  }

  private static DateTimeRange at(FhirRequest request) {
    DateTimeRange window = DateTimeRange.ALWAYS;
    for (String value : request.query().getOrDefault("_at", List.of())) {
      window = window.intersect(window(value));
    }
    for (String value : request.query().getOrDefault("_before", List.of())) {
      // Written before the instant is current at some time before it: _at=lt says the same.
      window = window.intersect(new DateTimeRange(null, range("_before", value).start()));
    }
    return window;
  }

  /** The span a version must have been current in, at some point, to match one {@code _at} value. */
  private static DateTimeRange window(String value) {
    boolean prefixed = value.length() > 2 && Character.isLetter(value.charAt(0));
    String prefix = prefixed ? value.substring(0, 2) : "eq";
    DateTimeRange range = range("_at", prefixed ? value.substring(2) : value);
    return switch (prefix) {
      case "eq" -> range;
      case "ge" -> new DateTimeRange(range.start(), null);
      case "gt", "sa" -> new DateTimeRange(range.end(), null);
      case "le" -> new DateTimeRange(null, range.end());
      case "lt", "eb" -> new DateTimeRange(null, range.start());
      default -> throw FhirException.badRequest("_at '" + value + "' has the prefix '" + prefix
          + "', which history does not support: use eq, ge, gt, le, lt, sa or eb.");
    };
  }

  private static DateTimeRange range(String name, String value) {
    try {
      // A client that does not encode its URL (HAPI's does not) sends a time zone's '+' as a space.
      return DateTimeRange.parse(value.trim().replace(' ', '+'));
    } catch (IllegalArgumentException e) {
      throw FhirException.badRequest(name + ": " + e.getMessage() + ".");
    }
  }

  private static HistoryCursor cursor(FhirRequest request) {
    String value = request.param(CURSOR);
    if (value == null) {
      return null;
    }
    try {
      return HistoryCursor.decode(value);
    } catch (IllegalArgumentException | DateTimeException e) {
      throw FhirException.badRequest(CURSOR + " '" + value + "' is not a position this server gave out: follow the"
          + " next link of a history bundle.");
    }
  }
}
