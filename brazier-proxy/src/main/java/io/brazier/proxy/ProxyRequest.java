package io.brazier.proxy;

import io.brazier.client.FhirClient;
import io.brazier.server.Caller;
import io.brazier.server.FhirRequest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Resource;

/**
 * A client's request as processors see it, whoever serves it: the path below the FHIR base, the query, headers,
 * body and caller, and the server it goes to as a {@link FhirClient} for the requests a processor sends itself.
 * Values: a processor changes a request by making another ({@link #withQuery}, {@link #withHeader},
 * {@link #withBody}), and may hand the body it parsed to the processors after it ({@link #resource}).
 */
public final class ProxyRequest {
  private final String method;
  private final List<String> segments;
  private final Map<String, List<String>> query;
  private final Function<String, String> headers;
  private final Map<String, String> changedHeaders;
  private final byte[] body;
  private final Resource resource;
  private final Caller caller;
  private final String baseUrl;
  private final FhirClient upstream;
  private final FhirClient asCaller;
  private final CallerReach reach;

  /**
   * @param segments the path below the FHIR base, decoded ({@code [Patient, 12, $everything]})
   * @param headers the client's headers by name, in any case (null when absent)
   * @param body the body, or null
   * @param baseUrl the FHIR base URL as the client knows it, for links in answers
   * @param upstream the FHIR server, reached as this request's caller and within its reach; what a processor sends
   *     there does not pass the chain again
   * @param asCaller the FHIR server reached as the client itself: see {@link #asCaller()}
   * @param reach whose data callers reach, as isolation decides it
   */
  public ProxyRequest(String method, List<String> segments, Map<String, List<String>> query,
      Function<String, String> headers, byte[] body, Caller caller, String baseUrl, FhirClient upstream,
      FhirClient asCaller, CallerReach reach) {
    this(method, segments, query, headers, Map.of(), body, null, caller, baseUrl, upstream, asCaller, reach);
  }

  private ProxyRequest(String method, List<String> segments, Map<String, List<String>> query,
      Function<String, String> headers, Map<String, String> changedHeaders, byte[] body, Resource resource,
      Caller caller, String baseUrl, FhirClient upstream, FhirClient asCaller, CallerReach reach) {
    this.method = method;
    this.segments = List.copyOf(segments);
    this.query = Collections.unmodifiableMap(new LinkedHashMap<>(query));
    this.headers = headers;
    this.changedHeaders = changedHeaders;
    this.body = body;
    this.resource = resource;
    this.caller = caller;
    this.baseUrl = baseUrl;
    this.upstream = upstream;
    this.asCaller = asCaller;
    this.reach = reach;
  }

  /**
   * The request a host of the chain hands it: {@code request} as it reached the chain (its body, unless the host
   * has read it already, as a FHIR server does a bundle's), with the server reached both ways.
   */
  public static ProxyRequest of(FhirRequest request, FhirClient upstream, FhirClient asCaller, CallerReach reach) {
    byte[] body = request.hasBody() && request.parsedBody() == null ? request.body() : null;
    return new ProxyRequest(request.method(), request.segments(), request.query(), request::header, body,
        request.caller(), request.baseUrl(), upstream, asCaller, reach);
  }

  /**
   * {@code request}, from which {@code original} was made, with what the pre-processors changed between
   * {@code original} and this one: the query, headers, body.
   */
  public FhirRequest appliedTo(FhirRequest request, ProxyRequest original) {
    FhirRequest changed = request;
    if (!query.equals(original.query())) {
      changed = changed.withQuery(query);
    }
    for (Map.Entry<String, String> header : changedHeaders.entrySet()) {
      changed = changed.withHeader(header.getKey(), header.getValue());
    }
    if (body != original.body()) {
      changed = changed.withBody(body);
    }
    return changed;
  }

  public String method() {
    return method;
  }

  public List<String> segments() {
    return segments;
  }

  /** Segment {@code index} of the path, or null when the path is shorter. */
  public String segment(int index) {
    return index < segments.size() ? segments.get(index) : null;
  }

  /** The path below the base, {@code Patient/12/$everything}; {@code ""} for the base itself. */
  public String path() {
    return String.join("/", segments);
  }

  /** The query's parameters, in the order the client gave them: a URL a processor makes of them keeps it. */
  public Map<String, List<String>> query() {
    return query;
  }

  /** The first value of a query parameter, or null. */
  public String param(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  public String header(String name) {
    for (Map.Entry<String, String> changed : changedHeaders.entrySet()) {
      if (changed.getKey().equalsIgnoreCase(name)) {
        return changed.getValue();
      }
    }
    return headers.apply(name);
  }

  /** The headers a processor set (a null value: removed), by name: what the chain passes on beside the client's. */
  public Map<String, String> changedHeaders() {
    return changedHeaders;
  }

  /** The body, or null. */
  public byte[] body() {
    return body;
  }

  /**
   * The body as a processor before this one parsed it and handed it on ({@link #withBody(byte[], Resource)}), so
   * that it is not parsed again; null when none did. It is the body's: read it, and change it only by making a
   * request with another body.
   */
  public Resource resource() {
    return resource;
  }

  public Caller caller() {
    return caller;
  }

  public String baseUrl() {
    return baseUrl;
  }

  /**
   * The server, for what a processor reads to serve this request: asked as a system of the proxy, within the
   * caller's reach (its patients) but without the caller's rights checked again, and without passing the chain.
   */
  public FhirClient upstream() {
    return upstream;
  }

  /**
   * The server reached as this request's caller, as if the client had sent each call: its token's rights checked,
   * its reach applied, the whole processor chain passed again. For what a processor writes on the caller's behalf
   * (the rounds of a transaction it splits), which must be allowed to the caller.
   */
  public FhirClient asCaller() {
    return asCaller;
  }

  /** Whose data callers reach, as patient isolation decides it, for processors that keep answers to it. */
  public CallerReach reach() {
    return reach;
  }

  public ProxyRequest withQuery(Map<String, List<String>> changed) {
    return new ProxyRequest(method, segments, changed, headers, changedHeaders, body, resource, caller, baseUrl,
        upstream, asCaller, reach);
  }

  /** The same request with a header set, or removed when {@code value} is null. */
  public ProxyRequest withHeader(String name, String value) {
    Map<String, String> changed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    changed.putAll(changedHeaders);
    changed.put(name, value);
    return new ProxyRequest(method, segments, query, headers, changed, body, resource, caller, baseUrl, upstream,
        asCaller, reach);
  }

  /** The same request with another body of the same media type. */
  public ProxyRequest withBody(byte[] changed) {
    return withBody(changed, null);
  }

  /** The same request with a body of the same media type and {@code parsed}, that body parsed already. */
  public ProxyRequest withBody(byte[] changed, Resource parsed) {
    return new ProxyRequest(method, segments, query, headers, changedHeaders, changed, parsed, caller, baseUrl,
        upstream, asCaller, reach);
  }

  /** The query with parameter {@code name} set to {@code value}, or removed when null; the others kept. */
  public Map<String, List<String>> queryWith(String name, String value) {
    Map<String, List<String>> changed = new LinkedHashMap<>(query);
    if (value == null) {
      changed.remove(name);
    } else {
      changed.put(name, List.of(value));
    }
    return changed;
  }
}
