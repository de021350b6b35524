package io.brazier.server;

import io.brazier.fhir.Outcomes;
import io.brazier.server.http.StoredBundle;
import io.brazier.store.ResourceVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.hl7.fhir.r4.model.Resource;

/**
 * What an interaction answers: a status, headers, and a body that is either a stored version (served as its stored
 * JSON bytes when the client wants exactly that), a bundle of stored versions, a resource, bytes that are not FHIR
 * (sent as they are), a stream, or nothing.
 */
public final class FhirResponse {
  // RFC 9110's IMF-fixdate (Sun, 06 Nov 1994 08:49:37 GMT): RFC_1123_DATE_TIME would write a day before the 10th
  // with one digit.
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);

  /** The instant as an HTTP header's date. */
  public static String httpDate(Instant at) {
    return HTTP_DATE.format(at.atOffset(ZoneOffset.UTC));
  }

  private final int status;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private final ResourceVersion stored;
  private final Resource resource;
  private final StoredBundle bundle;
  private final String contentType;
  private final byte[] raw;
  private final BodyWriter stream;
  private ResourceVersion version;
  private String answeredBy = "unknown";

  /** Writes a body too large to hold in memory (an exported file) to the client as it goes. */
  @FunctionalInterface
  public interface BodyWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  private FhirResponse(int status, ResourceVersion stored, Resource resource) {
    this(status, stored, resource, null);
  }

  private FhirResponse(int status, ResourceVersion stored, Resource resource, StoredBundle bundle) {
    this(status, stored, resource, bundle, null, null, null);
  }

  private FhirResponse(int status, ResourceVersion stored, Resource resource, StoredBundle bundle,
      String contentType, byte[] raw, BodyWriter stream) {
    this.status = status;
    this.stored = stored;
    this.resource = resource;
    this.bundle = bundle;
    this.contentType = contentType;
    this.raw = raw;
    this.stream = stream;
  }

  /** A body that is not FHIR, sent as it is: a Bulk Data manifest ({@code application/json}), say. */
  public static FhirResponse raw(int status, String contentType, byte[] body) {
    return new FhirResponse(status, null, null, null, contentType, body, null);
  }

  /** A body written to the client as it goes, such as an NDJSON file of an export. */
  public static FhirResponse streamed(int status, String contentType, BodyWriter body) {
    return new FhirResponse(status, null, null, null, contentType, null, body);
  }

  public static FhirResponse ok(Resource resource) {
    return new FhirResponse(200, null, resource);
  }

  public static FhirResponse of(int status, Resource resource) {
    return new FhirResponse(status, null, resource);
  }

  public static FhirResponse ok(StoredBundle bundle) {
    return new FhirResponse(200, null, null, bundle);
  }

  public static FhirResponse empty(int status) {
    return new FhirResponse(status, null, null);
  }

  /** A read's answer: the version with its ETag and Last-Modified. */
  public static FhirResponse ok(ResourceVersion version) {
    return new FhirResponse(200, version, null).versionHeaders(version);
  }

  public static FhirResponse notModified(ResourceVersion version) {
    return new FhirResponse(304, null, null).versionHeaders(version);
  }

  /**
   * A write's answer: 201 or 200 with Location, ETag and Last-Modified, and the body the client's
   * {@code Prefer: return} asks for.
   */
  public static FhirResponse written(FhirRequest request, int status, ResourceVersion version) {
    String location = request.baseUrl() + "/" + version.type() + "/" + version.id() + "/_history/" + version.version();
    FhirResponse response = switch (request.prefer().returns()) {
      case MINIMAL -> new FhirResponse(status, null, null);
      case OPERATION_OUTCOME -> new FhirResponse(status, null, Outcomes.information(
          (status == 201 ? "Created " : "Updated ") + version.type() + "/" + version.id() + " at version "
              + version.version() + "."));
      case REPRESENTATION -> new FhirResponse(status, version, null);
    };
    return response.versionHeaders(version).header("Location", location);
  }

  private FhirResponse versionHeaders(ResourceVersion version) {
    this.version = version;
    header("ETag", version.etag());
    return header("Last-Modified", httpDate(version.lastUpdated()));
  }

  public FhirResponse header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public int status() {
    return status;
  }

  public Map<String, String> headers() {
    return headers;
  }

  public ResourceVersion stored() {
    return stored;
  }

  public Resource resource() {
    return resource;
  }

  public StoredBundle bundle() {
    return bundle;
  }

  /** The version this answer is about (read, written or unchanged), whether or not the body carries it; or null. */
  public ResourceVersion version() {
    return version;
  }

  /** Names the interaction that answered, for metrics and logs. */
  FhirResponse answeredBy(String name) {
    this.answeredBy = name;
    return this;
  }

  /** The interaction that answered ({@code Read}, {@code SearchType}), or "unknown" when none did. */
  public String answeredBy() {
    return answeredBy;
  }

  /** The media type of a body that is not FHIR; null for a FHIR body, whose format the client negotiated. */
  public String contentType() {
    return contentType;
  }

  /** A body that is not FHIR, as {@link #raw} made it; or null. */
  public byte[] raw() {
    return raw;
  }

  /** A body {@link #streamed} to the client; or null. */
  public BodyWriter stream() {
    return stream;
  }

  public boolean hasBody() {
    return (stored != null && stored.json() != null) || resource != null || bundle != null || raw != null
        || stream != null;
  }
}
