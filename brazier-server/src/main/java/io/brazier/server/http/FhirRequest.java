package io.brazier.server.http;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.store.ResourceVersion;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A FHIR request, parsed once: the path below the base split into segments, the query, the headers the interactions
 * need and the negotiated formats. It knows nothing of the HTTP server, so the proxy, the loader and the sync agent
 * can run requests in process.
 */
public final class FhirRequest {
  private final String method;
  private final List<String> segments;
  private final Map<String, List<String>> query;
  private final Function<String, String> headers;
  private final byte[] body;
  private final Body parsed;
  private final String baseUrl;
  private final Format responseFormat;

  public FhirRequest(String method, List<String> segments, Map<String, List<String>> query,
      Function<String, String> headers, byte[] body, String baseUrl) {
    this(method, segments, query, headers, body, null, baseUrl);
  }

  private FhirRequest(String method, List<String> segments, Map<String, List<String>> query,
      Function<String, String> headers, byte[] body, Body parsed, String baseUrl) {
    this.parsed = parsed;
    this.method = method.toUpperCase(Locale.ROOT);
    this.segments = List.copyOf(segments);
    this.query = Map.copyOf(query);
    this.headers = headers;
    this.body = body;
    this.baseUrl = baseUrl;
    Format bodyFormat = body != null && body.length > 0 && !Formats.isJsonPatch(header("Content-Type"))
        ? Formats.body(header("Content-Type")) : Format.JSON;
    this.responseFormat = Formats.response(param("_format"), header("Accept"), bodyFormat);
  }

  /** A request whose body is parsed already, as a bundle entry's resource is: it is not encoded and parsed again. */
  public static FhirRequest parsed(String method, List<String> segments, Map<String, List<String>> query,
      Function<String, String> headers, Body body, String baseUrl) {
    return new FhirRequest(method, segments, query, headers, null, body, baseUrl);
  }

  public String method() {
    return method;
  }

  public List<String> segments() {
    return segments;
  }

  public String segment(int index) {
    return index < segments.size() ? segments.get(index) : null;
  }

  public String type() {
    return segment(0);
  }

  public String id() {
    return segment(1);
  }

  public Map<String, List<String>> query() {
    return query;
  }

  /** The first value of a query parameter, or null. */
  public String param(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  public String header(String name) {
    return headers.apply(name);
  }

  public byte[] body() {
    if (body == null || body.length == 0) {
      throw FhirException.badRequest(method + " needs a body.");
    }
    return body;
  }

  public boolean hasBody() {
    return (body != null && body.length > 0) || parsed != null;
  }

  /** The body read already (see {@link #parsed}), or null. */
  public Body parsedBody() {
    return parsed;
  }

  public Format bodyFormat() {
    return Formats.body(header("Content-Type"));
  }

  public Format responseFormat() {
    return responseFormat;
  }

  public boolean pretty() {
    return "true".equalsIgnoreCase(param("_pretty"));
  }

  public String baseUrl() {
    return baseUrl;
  }

  public Prefer prefer() {
    return Prefer.parse(header("Prefer"));
  }

  /** Whether {@code If-None-Match} or {@code If-Modified-Since} say the client's copy is still current. */
  public boolean notModified(ResourceVersion current) {
    String ifNoneMatch = header("If-None-Match");
    if (ifNoneMatch != null) {
      return ifNoneMatch.trim().equals("*") || Versions.matches(ifNoneMatch, current.version());
    }
    Instant since = httpDate(header("If-Modified-Since"));
    return since != null && !current.lastUpdated().isAfter(since.plusMillis(999));
  }

  /** The version demanded by {@code If-Match}, or null when the request sets none. */
  public Integer ifMatch() {
    String ifMatch = header("If-Match");
    return ifMatch == null || ifMatch.isBlank() ? null : Versions.parse(ifMatch, "If-Match");
  }

  private static Instant httpDate(String value) {
    if (value == null) {
      return null;
    }
    try {
      return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
