package io.brazier.server.interaction;

import io.brazier.fhir.BaseUrl;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.http.Body;
import io.brazier.server.http.Queries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntryRequestComponent;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns each entry of a batch or transaction into the request it stands for, with the entry's conditional headers
 * ({@code ifNoneExist}, {@code ifMatch}, {@code ifNoneMatch}, {@code ifModifiedSince}), routed as if it had come over
 * HTTP: an entry runs the same interaction code as a request of its own.
 * https://hl7.org/fhir/R4/bundle.html#transaction
 */
final class Entries {
  private final Fhir fhir;
  private final EntryRouter router;

  Entries(Fhir fhir, EntryRouter router) {
    this.fhir = fhir;
    this.router = router;
  }

  /**
   * Every entry, in request order, with its resource's body ({@code bodies}, by index); {@code failures} are entries
   * that could not even be read.
   */
  List<Entry> of(FhirRequest outer, List<BundleEntryComponent> components, List<Body> bodies,
      Map<Integer, FhirException> failures) {
    List<Entry> entries = new ArrayList<>(components.size());
    for (int i = 0; i < components.size(); i++) {
      FhirException failure = failures.get(i);
      if (failure != null) {
        entries.add(new Entry(i, null, null, null, failure));
        continue;
      }
      try {
        entries.add(entry(outer, i, components.get(i), bodies.get(i)));
      } catch (FhirException e) {
        entries.add(Entry.broken(i, e));
      }
    }
    return entries;
  }

  private Entry entry(FhirRequest outer, int index, BundleEntryComponent component, Body body) {
    BundleEntryRequestComponent request = component.getRequest();
    if (!component.hasRequest() || !request.hasMethod() || request.getMethod().toCode() == null) {
      throw FhirException.badRequest("The entry has no request.method: a batch or transaction entry says what to do"
          + " with GET, HEAD, POST, PUT, DELETE or PATCH.");
    }
    String method = request.getMethod().toCode();
    String url = relative(outer, request.getUrl());
    int question = url.indexOf('?');
    List<String> segments = Queries.segments(question < 0 ? url : url.substring(0, question));
    if (segments.isEmpty()) {
      throw FhirException.badRequest("The entry's request.url '" + request.getUrl() + "' names no resource type.");
    }
    Map<String, List<String>> query = Queries.parse(question < 0 ? "" : url.substring(question + 1));
    boolean needsBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    Map<String, String> headers = headers(outer, request, needsBody);
    if (needsBody && body == null) {
      throw FhirException.badRequest("The entry's " + method + " has no resource.");
    }
    FhirRequest entryRequest = method.equals("PATCH")
        ? new FhirRequest(method, segments, query, headers::get, patchBody(body.resource(), headers), outer.baseUrl())
        : FhirRequest.parsed(method, segments, query, headers::get, needsBody ? body : null, outer.baseUrl());
    EntryRouter.Routed routed = router.route(entryRequest.entryOf(outer));
    return new Entry(index, component.getFullUrl(), routed.request(), routed.interaction(), null);
  }

  /** The url below the base: relative as the spec prefers, or absolute on this server. */
  private static String relative(FhirRequest outer, String url) {
    if (url == null || url.isBlank()) {
      throw FhirException.badRequest("The entry has no request.url.");
    }
    Optional<String> relative = BaseUrl.relative(url, outer.baseUrl());
    if (relative.isPresent()) {
      return relative.get();
    }
    if (url.startsWith("http://") || url.startsWith("https://")) {
      throw FhirException.badRequest("The entry's request.url '" + url + "' is not on this server, "
          + outer.baseUrl() + "/.");
    }
    return url.startsWith("/") ? url.substring(1) : url;
  }

  /** The entry's own conditions as the headers a request of its own would carry. */
  private static Map<String, String> headers(FhirRequest outer, BundleEntryRequestComponent request,
      boolean writes) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    putIf(headers, "If-None-Exist", request.getIfNoneExist());
    putIf(headers, "If-Match", request.getIfMatch());
    putIf(headers, "If-None-Match", request.getIfNoneMatch());
    if (request.hasIfModifiedSince()) {
      headers.put("If-Modified-Since", FhirResponse.httpDate(request.getIfModifiedSince().toInstant()));
    }
    // Asked of the bundle, profile validation is asked of each entry, as Microsoft's server passes the header on.
    putIf(headers, ProfileValidationOnWrite.HEADER, outer.header(ProfileValidationOnWrite.HEADER));
    // A write's answer carries the resource only when the client asks, so that large bundles answer with statuses;
    // a read or search answers with what it found, or there would be no point in asking.
    String prefer = outer.header("Prefer");
    if (prefer != null) {
      headers.put("Prefer", prefer);
    } else if (writes) {
      headers.put("Prefer", "return=minimal");
    }
    return headers;
  }

  private static void putIf(Map<String, String> headers, String name, String value) {
    if (value != null && !value.isBlank()) {
      headers.put(name, value);
    }
  }

  /** A patch travels as a Binary (JSON Patch) or as Parameters (FHIRPath Patch); its request takes the raw body. */
  private byte[] patchBody(Resource resource, Map<String, String> headers) {
    if (resource instanceof Binary binary) {
      headers.put("Content-Type", binary.getContentType());
      return binary.getData();
    }
    headers.put("Content-Type", Format.JSON.mediaType());
    return fhir.encode(Format.JSON, resource, false);
  }
}
