package io.brazier.server.http;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import java.util.Locale;

/** Content negotiation: which wire format a request body has and which one the client wants back. */
public final class Formats {
  public static final String JSON_PATCH = "application/json-patch+json";

  private Formats() {}

  /** The format named by {@code _format}, {@code Accept} or, failing both, the request's own body. */
  public static Format response(String formatParam, String accept, Format fallback) {
    if (formatParam != null && !formatParam.isBlank()) {
      // An unescaped "application/fhir+xml" in a query string arrives with its '+' decoded as a space.
      Format format = named(formatParam.trim().replace(' ', '+'));
      if (format == null) {
        throw FhirException.badRequest("_format '" + formatParam + "' is not supported: use json or xml.");
      }
      return format;
    }
    return accept == null ? fallback : preferred(accept, fallback);
  }

  /** The FHIR format of the highest quality in an Accept header; the first named wins a tie. */
  private static Format preferred(String accept, Format fallback) {
    String range = preferredRange(accept);
    return range == null ? fallback : named(range);
  }

  /**
   * The media type that decides the response format, as {@link #response} picks it, lower case and without
   * parameters ({@code application/json}, {@code xml}); null when neither {@code _format} nor {@code Accept} names
   * one. For the few answers whose shape differs between the FHIR types and plain JSON or XML, as {@code $versions}.
   */
  public static String mediaType(String formatParam, String accept) {
    if (formatParam != null && !formatParam.isBlank()) {
      return mediaType(formatParam.trim().replace(' ', '+'));
    }
    String range = accept == null ? null : preferredRange(accept);
    return range == null ? null : mediaType(range);
  }

  /** The range of the highest quality in an Accept header that names JSON or XML; the first named wins a tie. */
  private static String preferredRange(String accept) {
    String best = null;
    double bestQuality = 0;
    for (String range : accept.split(",")) {
      double quality = quality(range);
      if (named(range) != null && quality > bestQuality) {
        best = range;
        bestQuality = quality;
      }
    }
    return best;
  }

  /** A media range's q parameter (RFC 9110 12.4.2): 1 when absent, 0 (not acceptable) when unreadable. */
  private static double quality(String range) {
    for (String parameter : range.split(";")) {
      String[] nameValue = parameter.split("=", 2);
      if (nameValue.length == 2 && nameValue[0].trim().equalsIgnoreCase("q")) {
        try {
          return Double.parseDouble(nameValue[1].trim());
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }

  /** The format of a body with this Content-Type; a type that names neither JSON nor XML is a 415. */
  public static Format body(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return Format.JSON;
    }
    Format format = named(contentType);
    if (format == null) {
      throw FhirException.unsupportedMediaType(contentType);
    }
    return format;
  }

  /** A form body, as {@code POST [type]/_search} carries its parameters. */
  public static boolean isForm(String contentType) {
    return contentType != null && mediaType(contentType).equals("application/x-www-form-urlencoded");
  }

  public static boolean isJsonPatch(String contentType) {
    return contentType != null && mediaType(contentType).equals(JSON_PATCH);
  }

  private static Format named(String value) {
    String type = mediaType(value);
    return switch (type) {
      case "json", "application/fhir+json", "application/json", "application/json+fhir", "text/json" -> Format.JSON;
      case "xml", "application/fhir+xml", "application/xml", "application/xml+fhir", "text/xml" -> Format.XML;
      default -> null;
    };
  }

  private static String mediaType(String value) {
    int semicolon = value.indexOf(';');
    return (semicolon < 0 ? value : value.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }
}
