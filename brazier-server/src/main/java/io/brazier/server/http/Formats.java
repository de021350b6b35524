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
      Format format = named(formatParam);
      if (format == null) {
        throw FhirException.badRequest("_format '" + formatParam + "' is not supported: use json or xml.");
      }
      return format;
    }
    if (accept != null) {
      for (String range : accept.split(",")) {
        Format format = named(range);
        if (format != null) {
          return format;
        }
      }
    }
    return fallback;
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
