package io.brazier.proxy.upstream;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.http.Queries;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a request to the upstream asks for, from its method and the shape of its path alone
 * (https://hl7.org/fhir/R4/http.html), so that authorization decides on it as it does in {@code serve --auth}.
 * Brazier's own route table also knows which types and operations it serves; a proxy does not know the upstream's,
 * so it classifies the shape and lets the upstream answer what it does not serve.
 */
final class PathShape {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9\\-._$*]+");

  private PathShape() {}

  /**
   * A request to the proxy at {@code pathAndQuery} (below {@code baseUrl}: {@code Observation?code=x},
   * {@code ?page=2}), classified as {@link #classify} does.
   */
  static FhirRequest classify(String method, String pathAndQuery, Function<String, String> headers, byte[] body,
      String baseUrl) {
    int question = pathAndQuery.indexOf('?');
    String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
    Map<String, List<String>> query = question < 0 ? Map.of() : Queries.parse(pathAndQuery.substring(question + 1));
    return classify(new FhirRequest(method, Queries.segments(path), query, headers, body, baseUrl));
  }

  /** The request classified; a 400 for a segment FHIR has not, a 405 for a shape no FHIR interaction has. */
  static FhirRequest classify(FhirRequest request) {
    List<String> path = request.segments();
    path.forEach(PathShape::checkSegment);
    if (path.isEmpty() || !Character.isUpperCase(path.get(0).charAt(0))) {
      return system(request, path);
    }
    if (path.size() == 1) {
      return request.routed(typeLevel(request.method()), null);
    }
    String second = path.get(1);
    if (second.startsWith("$") && path.size() == 2) {
      return request.routed(FhirInteraction.OPERATION, second);
    }
    if (second.equals("_history") && path.size() == 2 && isRead(request)) {
      return request.routed(FhirInteraction.HISTORY_TYPE, null);
    }
    if (second.equals("_search") && path.size() == 2 && request.method().equals("POST")) {
      return request.routed(FhirInteraction.SEARCH_TYPE, null);
    }
    if (second.startsWith("_") || second.startsWith("$")) {
      throw notAllowed(request);
    }
    return instance(request, path);
  }

  private static FhirRequest system(FhirRequest request, List<String> path) {
    String first = path.isEmpty() ? "" : path.get(0);
    boolean read = isRead(request);
    if (path.isEmpty()) {
      return request.routed(request.method().equals("POST") ? FhirInteraction.BUNDLE : FhirInteraction.SEARCH_SYSTEM,
          null);
    }
    if (path.size() == 1 && first.startsWith("$")) {
      return request.routed(FhirInteraction.OPERATION, first);
    }
    if (path.size() == 1 && read && first.equals("metadata")) {
      return request.routed(FhirInteraction.CAPABILITIES, null);
    }
    if (path.size() == 1 && read && first.equals("_history")) {
      return request.routed(FhirInteraction.HISTORY_SYSTEM, null);
    }
    if (path.size() == 1 && first.equals("_search") && request.method().equals("POST")) {
      return request.routed(FhirInteraction.SEARCH_SYSTEM, null);
    }
    if (first.equals("_async") && (path.size() == 2 || path.size() == 3)) {
      return request.routed(FhirInteraction.ASYNC_STATUS, null);
    }
    throw notAllowed(request);
  }

  /**
   * Refuses a segment that is no type, id, version, {@code _keyword}, {@code $operation} or {@code *}: the upstream
   * could read it otherwise than it was classified here ({@code ..} resolved, an encoded {@code /} a new segment).
   */
  private static void checkSegment(String segment) {
    if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
      throw FhirException.badRequest("The path segment '" + segment + "' is not a FHIR type, id, version or"
          + " operation.");
    }
  }

  private static FhirInteraction typeLevel(String method) {
    return switch (method) {
      case "POST" -> FhirInteraction.CREATE;
      case "PUT" -> FhirInteraction.UPDATE;
      case "DELETE" -> FhirInteraction.DELETE;
      case "PATCH" -> FhirInteraction.PATCH;
      default -> FhirInteraction.SEARCH_TYPE;
    };
  }

  private static FhirRequest instance(FhirRequest request, List<String> path) {
    String method = request.method();
    if (path.size() == 2) {
      return request.routed(switch (method) {
        case "PUT" -> FhirInteraction.UPDATE;
        case "DELETE" -> FhirInteraction.DELETE;
        case "PATCH" -> FhirInteraction.PATCH;
        case "GET", "HEAD" -> FhirInteraction.READ;
        default -> throw notAllowed(request);
      }, null);
    }
    String third = path.get(2);
    if (path.size() == 3 && third.startsWith("$")) {
      return request.routed(FhirInteraction.OPERATION, third);
    }
    if (path.size() == 4 && path.get(3).startsWith("$") && isCompartmentSearch(third)) {
      return request.routed(FhirInteraction.OPERATION, path.get(3)); // below a compartment search: $includes
    }
    if (path.size() == 5 && third.equals("_history") && path.get(4).startsWith("$")) {
      return request.routed(FhirInteraction.OPERATION, path.get(4)); // on a version: $meta
    }
    if (!isRead(request)) {
      throw notAllowed(request);
    }
    if (path.size() == 3 && third.equals("_history")) {
      return request.routed(FhirInteraction.HISTORY_INSTANCE, null);
    }
    if (path.size() == 4 && third.equals("_history")) {
      return request.routed(FhirInteraction.VREAD, null);
    }
    if (path.size() == 3 && isCompartmentSearch(third)) {
      return request.routed(FhirInteraction.SEARCH_COMPARTMENT, null);
    }
    throw notAllowed(request);
  }

  /** Whether the third segment of a path makes it a compartment search: a type, or {@code *} for all of them. */
  private static boolean isCompartmentSearch(String third) {
    return third.equals("*") || Character.isUpperCase(third.charAt(0));
  }

  private static boolean isRead(FhirRequest request) {
    return request.method().equals("GET") || request.method().equals("HEAD");
  }

  private static FhirException notAllowed(FhirRequest request) {
    return FhirException.methodNotAllowed(request.method(), "/" + String.join("/", request.segments()));
  }
}
