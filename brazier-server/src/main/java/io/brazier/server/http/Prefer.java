package io.brazier.server.http;

import java.util.Locale;

/** The {@code return} preference of a write: https://hl7.org/fhir/R4/http.html#ops */
public enum Prefer {
  MINIMAL, REPRESENTATION, OPERATION_OUTCOME;

  static Prefer parse(String header) {
    if (header != null) {
      for (String part : header.split("[;,]")) {
        String token = part.trim().toLowerCase(Locale.ROOT);
        switch (token) {
          case "return=minimal" -> { return MINIMAL; }
          case "return=operationoutcome" -> { return OPERATION_OUTCOME; }
          case "return=representation" -> { return REPRESENTATION; }
          default -> { }
        }
      }
    }
    return REPRESENTATION;
  }
}
