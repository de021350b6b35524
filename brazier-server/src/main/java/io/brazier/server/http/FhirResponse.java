package io.brazier.server.http;

import io.brazier.fhir.Outcomes;
import io.brazier.store.ResourceVersion;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.Resource;

/**
 * What an interaction answers: a status, headers, and a body that is either a stored version (served as its stored
 * JSON bytes when the client wants exactly that), a bundle of stored versions, a resource, or nothing.
 */
public final class FhirResponse {
  private final int status;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private final ResourceVersion stored;
  private final Resource resource;
  private final StoredBundle bundle;
  private ResourceVersion version;

  private FhirResponse(int status, ResourceVersion stored, Resource resource) {
    this(status, stored, resource, null);
  }

  private FhirResponse(int status, ResourceVersion stored, Resource resource, StoredBundle bundle) {
    this.status = status;
    this.stored = stored;
    this.resource = resource;
    this.bundle = bundle;
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
    FhirResponse response = switch (request.prefer()) {
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
    return header("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(
        version.lastUpdated().atOffset(ZoneOffset.UTC)));
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

  public boolean hasBody() {
    return (stored != null && stored.json() != null) || resource != null || bundle != null;
  }
}
