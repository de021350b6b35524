package io.brazier.server;

import ca.uhn.fhir.rest.api.SummaryEnum;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.server.http.Body;
import io.brazier.server.http.Formats;
import io.brazier.server.http.PageSizes;
import io.brazier.server.http.Queries;
import io.brazier.store.ResourceVersion;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

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
  private final SummaryEnum summary;
  private final Prefer prefer;
  private final Caller caller;
  private final Restriction restriction;
  private final FhirInteraction interaction;
  private final String operation;
  private final boolean entry;

  public FhirRequest(String method, List<String> segments, Map<String, List<String>> query,
      Function<String, String> headers, byte[] body, String baseUrl) {
    this(method, segments, query, headers, body, null, baseUrl, Caller.ANONYMOUS, null, null, null, false);
  }

  private FhirRequest(String method, List<String> segments, Map<String, List<String>> query,
      Function<String, String> headers, byte[] body, Body parsed, String baseUrl, Caller caller,
      Restriction restriction, FhirInteraction interaction, String operation, boolean entry) {
    this.parsed = parsed;
    this.method = method.toUpperCase(Locale.ROOT);
    this.segments = List.copyOf(segments);
    this.query = Collections.unmodifiableMap(new LinkedHashMap<>(query));
    this.headers = headers;
    this.body = body;
    this.baseUrl = baseUrl;
    this.caller = caller;
    this.restriction = restriction;
    this.interaction = interaction;
    this.operation = operation;
    this.entry = entry;
    String contentType = header("Content-Type");
    Format bodyFormat = body != null && body.length > 0 && !Formats.isJsonPatch(contentType)
        && !Formats.isForm(contentType) ? Formats.body(contentType) : Format.JSON;
    this.responseFormat = Formats.response(param("_format"), header("Accept"), bodyFormat);
    this.summary = summary(param("_summary"));
    this.prefer = Prefer.parse(header("Prefer"));
  }

  /**
   * A request made in process, as the loader or the sync agent sends one: {@code url} is below the FHIR base
   * ({@code Patient/12}, {@code Observation?code=x|y}), its path segments and query percent-encoded as in a URL.
   */
  public static Builder builder(String method, String url) {
    return new Builder(method, url);
  }

  /** The same request from another caller. */
  public FhirRequest withCaller(Caller caller) {
    return new FhirRequest(method, segments, query, headers, body, parsed, baseUrl, caller, restriction, interaction,
        operation, entry);
  }

  /** The same request kept to {@code restriction} (see {@link Restriction}); null for none. */
  public FhirRequest withRestriction(Restriction restriction) {
    return new FhirRequest(method, segments, query, headers, body, parsed, baseUrl, caller, restriction, interaction,
        operation, entry);
  }

  /** The same request with other query parameters: what an interceptor adds to a search, say. */
  public FhirRequest withQuery(Map<String, List<String>> query) {
    return new FhirRequest(method, segments, query, headers, body, parsed, baseUrl, caller, restriction, interaction,
        operation, entry);
  }

  /** The same request with a header set (or removed, when {@code value} is null). */
  public FhirRequest withHeader(String name, String value) {
    Function<String, String> changed = asked -> asked.equalsIgnoreCase(name) ? value : headers.apply(asked);
    return new FhirRequest(method, segments, query, changed, body, parsed, baseUrl, caller, restriction, interaction,
        operation, entry);
  }

  /** The same request with another body, of the same media type: what a proxy's processor rewrote. */
  public FhirRequest withBody(byte[] body) {
    return new FhirRequest(method, segments, query, headers, body, null, baseUrl, caller, restriction, interaction,
        operation, entry);
  }

  /**
   * The request as the route table classified it; also what a proxy in front of another server calls once it has
   * classified the path's shape itself.
   */
  public FhirRequest routed(FhirInteraction interaction, String operation) {
    return new FhirRequest(method, segments, query, headers, body, parsed, baseUrl, caller, restriction, interaction,
        operation, entry);
  }

  /** This request as an entry of {@code bundle}: it carries the bundle's caller and restriction. */
  public FhirRequest entryOf(FhirRequest bundle) {
    return new FhirRequest(method, segments, query, headers, body, parsed, baseUrl, bundle.caller,
        bundle.restriction, interaction, operation, true);
  }

  /** Parsed before anything runs, so that a bad value refuses a write before it happens rather than after. */
  private static SummaryEnum summary(String value) {
    if (value == null || value.equalsIgnoreCase("false")) {
      return null;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> SummaryEnum.TRUE;
      case "text" -> SummaryEnum.TEXT;
      case "data" -> SummaryEnum.DATA;
      case "count" -> SummaryEnum.COUNT;
      default -> throw FhirException.badRequest("_summary '" + value + "' is not one of true, text, data, count "
          + "and false.");
    };
  }

  /** A request whose body is parsed already, as a bundle entry's resource is: it is not encoded and parsed again. */
  public static FhirRequest parsed(String method, List<String> segments, Map<String, List<String>> query,
      Function<String, String> headers, Body body, String baseUrl) {
    return new FhirRequest(method, segments, query, headers, null, body, baseUrl, Caller.ANONYMOUS, null, null,
        null, false);
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

  /** The query's parameters, in the order the client gave them (and {@link #url} keeps). */
  public Map<String, List<String>> query() {
    return query;
  }

  /**
   * The parameters of a search: the URL's, and those of a form body (POST [type]/_search); a 415 for another body.
   */
  public Map<String, List<String>> searchParameters() {
    Map<String, List<String>> params = new LinkedHashMap<>(query);
    if (method.equals("POST") && hasBody()) {
      if (!Formats.isForm(header("Content-Type"))) {
        throw new FhirException(415, IssueType.NOTSUPPORTED, "POST _search takes its parameters as"
            + " application/x-www-form-urlencoded, not " + header("Content-Type") + ".");
      }
      Queries.parse(new String(body(), StandardCharsets.UTF_8))
          .forEach((name, values) -> params.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
    }
    return params;
  }

  /** The first value of a query parameter, or null. */
  public String param(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** {@code _count}: the page size asked for, at most {@code sizes.max()}; the standard size when not given. */
  public int count(PageSizes sizes) {
    String value = param("_count");
    if (value == null) {
      return sizes.standard();
    }
    try {
      int count = Integer.parseInt(value.trim());
      if (count >= 1) {
        return Math.min(count, sizes.max());
      }
    } catch (NumberFormatException e) {
      // Answered below, as any other count out of range.
    }
    throw FhirException.badRequest("_count '" + value + "' is not a whole number of 1 or more.");
  }

  /**
   * This request's URL, its parameters in the client's order: what a proxy sends on (a server may read an order
   * into repeated {@code _sort} or {@code _include}), and the self link of a page.
   */
  public String url() {
    return link(null, null);
  }

  /**
   * This request's URL with parameter {@code name} set to {@code value} (or removed, when null), in its place or
   * after the others, which keep the client's order: the next link of a page.
   */
  public String link(String name, String value) {
    Map<String, List<String>> params = new LinkedHashMap<>(query);
    if (value == null) {
      params.remove(name);
    } else {
      params.put(name, List.of(value));
    }
    StringBuilder url = new StringBuilder(baseUrl);
    segments.forEach(segment -> url.append('/').append(segment));
    char separator = '?';
    for (Map.Entry<String, List<String>> param : params.entrySet()) {
      for (String each : param.getValue()) {
        url.append(separator).append(encode(param.getKey())).append('=').append(encode(each));
        separator = '&';
      }
    }
    return url.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
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

  /** The {@code _summary} asked for, or null for the whole resource. */
  public SummaryEnum summary() {
    return summary;
  }

  public boolean pretty() {
    return "true".equalsIgnoreCase(param("_pretty"));
  }

  public String baseUrl() {
    return baseUrl;
  }

  public Prefer prefer() {
    return prefer;
  }

  public Caller caller() {
    return caller;
  }

  /** The part of the data this request may reach, set by an interceptor; null for all of it. */
  public Restriction restriction() {
    return restriction;
  }

  /** What the route table found this request asks for; null before it is routed. */
  public FhirInteraction interaction() {
    return interaction;
  }

  /** The operation's name with its {@code $} ({@code $export}) when {@link #interaction()} is an operation. */
  public String operation() {
    return operation;
  }

  /** Whether this is an entry of a batch or transaction rather than a request of its own. */
  public boolean isEntry() {
    return entry;
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

  /**
   * Whether {@code If-None-Match} forbids a write of {@code current}: {@code *} while the resource exists, or the ETag
   * of its current version (RFC 9110 13.1.2: the method is then not performed, and the answer is a 412).
   */
  public boolean ifNoneMatchRefuses(ResourceVersion current) {
    String ifNoneMatch = header("If-None-Match");
    return ifNoneMatch != null && current != null && !current.deleted()
        && (ifNoneMatch.trim().equals("*") || Versions.matches(ifNoneMatch, current.version()));
  }

  /** The version demanded by {@code If-Match}, or null when the request sets none or {@code *}. */
  public Integer ifMatch() {
    String ifMatch = header("If-Match");
    return ifMatch == null || ifMatch.isBlank() || ifMatchAny() ? null : Versions.parse(ifMatch, "If-Match");
  }

  /** Whether the request sets {@code If-Match: *}: any version, so long as the resource exists (RFC 9110 13.1.1). */
  public boolean ifMatchAny() {
    String ifMatch = header("If-Match");
    return ifMatch != null && ifMatch.trim().equals("*");
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

  /** Builds a request made in process; see {@link FhirRequest#builder}. */
  public static final class Builder {
    private final String method;
    private final List<String> segments;
    private final Map<String, List<String>> query;
    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private byte[] body;
    private String baseUrl = "";
    private Caller caller = Caller.ANONYMOUS;

    private Builder(String method, String url) {
      int question = url.indexOf('?');
      this.method = method;
      this.segments = Queries.segments(question < 0 ? url : url.substring(0, question));
      this.query = Queries.parse(question < 0 ? "" : url.substring(question + 1));
    }

    public Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /** The body, with its media type ({@code application/fhir+json}, {@code application/json-patch+json}...). */
    public Builder body(byte[] body, String contentType) {
      this.body = body;
      return header("Content-Type", contentType);
    }

    /** The base URL that answers write into Location, fullUrl and links: the server's own, as clients know it. */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    public Builder caller(Caller caller) {
      this.caller = caller;
      return this;
    }

    /** The request; a bad {@code _format}, {@code Accept} or {@code _summary} is a FhirException here. */
    public FhirRequest build() {
      Map<String, String> fixed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      fixed.putAll(headers);
      return new FhirRequest(method, segments, query, fixed::get, body, null, baseUrl, caller, null, null, null,
          false);
    }
  }
}
