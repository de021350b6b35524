package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A link of an identity (a subject, or a client, of a token issuer) to the FHIR resource it stands for, until it
 * expires (null: never). In JSON: {@code {"issuer": "https://...", "subject": "..." | "clientId": "...",
 * "resource": "Practitioner/12", "expires": "2026-01-01T00:00:00Z"}}.
 */
record IdentityLink(String issuer, Kind kind, String name, String resource, Instant expires) {
  /** The resource types an identity may stand for. */
  static final Set<String> TYPES = Set.of("Patient", "Practitioner", "RelatedPerson");
  private static final Set<String> FIELDS = Set.of("issuer", "subject", "clientId", "resource", "expires");

  /** What names the identity: the token's subject, or its client. */
  public enum Kind {
    SUBJECT("subject", "subject"), CLIENT("client", "clientId");

    private final String code;
    private final String field;

    Kind(String code, String field) {
      this.code = code;
      this.field = field;
    }

    /** As the table holds it. */
    String code() {
      return code;
    }

    /** As JSON and the query parameters name it. */
    public String field() {
      return field;
    }

    static Kind of(String code) {
      return valueOf(code.toUpperCase(Locale.ROOT));
    }
  }

  boolean expiredAt(Instant now) {
    return expires != null && !expires.isAfter(now);
  }

  /** The link a JSON body asks for; a 400 naming what is wrong with it. */
  static IdentityLink parse(JsonNode body, Instant now) {
    if (body == null || !body.isObject()) {
      throw FhirException.badRequest("A link is a JSON object with issuer, subject or clientId, resource and"
          + " optionally expires.");
    }
    List<String> unknown = new ArrayList<>();
    body.fieldNames().forEachRemaining(name -> {
      if (!FIELDS.contains(name)) {
        unknown.add(name);
      }
    });
    if (!unknown.isEmpty()) {
      throw FhirException.badRequest("A link has no field " + String.join(", ", unknown) + "; its fields are "
          + "issuer, subject or clientId, resource and expires.");
    }
    String issuer = text(body, "issuer", true);
    if (!issuer.startsWith("https://") && !issuer.startsWith("http://")) {
      throw FhirException.badRequest("issuer is the URL of a token issuer (its iss), not '" + issuer + "'.");
    }
    String subject = text(body, Kind.SUBJECT.field(), false);
    String client = text(body, Kind.CLIENT.field(), false);
    if ((subject == null) == (client == null)) {
      throw FhirException.badRequest("A link names either a subject or a clientId, not both nor neither.");
    }
    String resource = resource(text(body, "resource", true));
    Instant expires = expires(text(body, "expires", false), now);
    return subject != null ? new IdentityLink(issuer, Kind.SUBJECT, subject, resource, expires)
        : new IdentityLink(issuer, Kind.CLIENT, client, resource, expires);
  }

  /** {@code Type/id} of one of the linkable types; a 400 otherwise. */
  static String resource(String value) {
    int slash = value.indexOf('/');
    if (slash < 0 || !TYPES.contains(value.substring(0, slash)) || !Fhir.isValidId(value.substring(slash + 1))) {
      throw FhirException.badRequest("resource is Patient/[id], Practitioner/[id] or RelatedPerson/[id], not '"
          + value + "'.");
    }
    return value;
  }

  private static Instant expires(String value, Instant now) {
    if (value == null) {
      return null;
    }
    Instant expires;
    try {
      expires = Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw FhirException.badRequest("expires is an instant such as 2026-01-01T00:00:00Z, not '" + value + "'.");
    }
    if (!expires.isAfter(now)) {
      throw FhirException.badRequest("expires " + value + " has passed already.");
    }
    return expires;
  }

  private static String text(JsonNode body, String field, boolean required) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw FhirException.badRequest("A link needs " + field + ".");
      }
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw FhirException.badRequest(field + " is a string that is not empty.");
    }
    return value.asText();
  }

  /** The link as JSON. */
  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("issuer", issuer);
    json.put(kind.field(), name);
    json.put("resource", resource);
    if (expires != null) {
      json.put("expires", expires.toString());
    }
    return json;
  }
}
