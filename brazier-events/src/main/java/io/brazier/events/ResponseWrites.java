package io.brazier.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The writes a FHIR response tells of, for a proxy in front of a server that has no change feed (a foreign one): what
 * the original proxy's post-processors published. A write (not GET) answered 2xx: a batch or transaction response,
 * each entry that wrote; a created (201) or updated (200) resource, or its Location when the body is minimal; a
 * deletion (204, or any 2xx to DELETE) of the URL's resource. A POST {@code _search} is, as in the original, one
 * update of a resource of type Bundle (the searchset). Unlike the original, a batch's reads (GET entries) are no
 * updates, and neither is a conditional create that matched (a POST to a type answered 200: nothing was written).
 * A conditional delete's answer, or its entry's in a bundle, names nothing it removed: its deletions are found by
 * asking the server, and published with {@link ResponsePublisher#publish(String, List)}. Feed the writes to
 * {@link Messages#of}.
 */
public final class ResponseWrites {
  private static final ObjectMapper json = Jackson.MAPPER;
  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]+");
  private static final Pattern LOCATION =
      Pattern.compile("(?:.*/)?([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/([A-Za-z0-9\\-.]{1,64}))?");

  private ResponseWrites() {}

  /**
   * A request and its answer, as the proxy saw them.
   *
   * @param path the URL below the FHIR base, without the query ({@code Patient/7}, {@code Observation/_search}, or
   *     empty for a bundle posted to the base)
   * @param location the answer's Location header, or null
   * @param requestBody what the client sent (a bundle's entries say which resource each deletion removed), or null
   * @param source the writer's source for the messages ({@code meta.source} wins where the resource has one), or null
   */
  public record Exchange(String method, String path, int status, String location, byte[] requestBody,
      byte[] responseBody, String source) {
    /**
     * The request as logs name it, {@code PUT Patient/7}; a bundle posted to the base as FHIR names its batch and
     * transaction interaction, {@code POST [base]}.
     */
    public String request() {
      return method + " " + (path.isEmpty() ? "[base]" : path);
    }
  }

  /** Whether an answer may tell of writes: one to a request that is no read, answered 2xx. */
  public static boolean wrote(String method, int status) {
    return !method.equalsIgnoreCase("GET") && !method.equalsIgnoreCase("HEAD") && status >= 200 && status <= 299;
  }

  public static List<Written> of(Exchange exchange) {
    String method = exchange.method().toUpperCase(java.util.Locale.ROOT);
    if (!wrote(method, exchange.status()) || matchedCreate(method, exchange.status(), exchange.path())) {
      return List.of();
    }
    JsonNode body = parse(exchange.responseBody());
    String bundleType = body.path("resourceType").asText().equals("Bundle") ? body.path("type").asText() : "";
    if (bundleType.equals("batch-response") || bundleType.equals("transaction-response")) {
      return entries(body, parse(exchange.requestBody()), exchange.source());
    }
    if (method.equals("DELETE")) {
      Matcher target = LOCATION.matcher(exchange.path());
      return target.matches() ? List.of(deleted(target.group(1), target.group(2), exchange.source())) : List.of();
    }
    Written.Action action = exchange.status() == 201 ? Written.Action.CREATED : Written.Action.UPDATED;
    // Prefer: return=OperationOutcome answers a write with its outcome: the resource written is the Location's.
    Written written = body instanceof ObjectNode resource && resource.has("resourceType")
        && !resource.path("resourceType").asText().equals("OperationOutcome")
        ? fromResource(action, resource, exchange.source())
        : fromLocation(action, exchange.location(), exchange.source());
    return written == null ? List.of() : List.of(written);
  }

  /** Each entry of a batch or transaction response that wrote, with the method its request entry sent. */
  private static List<Written> entries(JsonNode response, JsonNode request, String source) {
    List<Written> writes = new ArrayList<>();
    JsonNode entries = response.path("entry");
    for (int i = 0; i < entries.size(); i++) {
      JsonNode entry = entries.get(i);
      JsonNode requestEntry = request.path("entry").path(i).path("request");
      String status = entry.path("response").path("status").asText("");
      String location = entry.path("response").path("location").asText(null);
      String method = requestEntry.path("method").asText();
      Written written = null;
      if (method.equals("GET") || method.equals("HEAD")
          || matchedCreate(method, status.startsWith("200") ? 200 : 0, requestEntry.path("url").asText())) {
        continue; // a read answered 200 with what it read, or a conditional create that matched: nothing written
      }
      if (method.equals("DELETE") && requestEntry.path("url").asText().contains("?")) {
        continue; // a conditional delete's entry names nothing it removed: the caller asks the server
      }
      if (method.equals("DELETE") && status.startsWith("2")) {
        Matcher target = LOCATION.matcher(requestEntry.path("url").asText());
        written = target.matches() ? deleted(target.group(1), target.group(2), source) : null;
      } else if (status.startsWith("200") || status.startsWith("201")) {
        Written.Action action = status.startsWith("201") ? Written.Action.CREATED : Written.Action.UPDATED;
        written = entry.get("resource") instanceof ObjectNode resource ? fromResource(action, resource, source)
            : fromLocation(action, location, source);
      }
      if (written != null) {
        writes.add(written);
      }
    }
    return writes;
  }

  /** The deletion of {@code type/id}, done now, its version and last content unknown. */
  public static Written deleted(String type, String id, String source) {
    return new Written(0, Written.Action.DELETED, type, id, null, Instant.now().toString(), source, null);
  }

  /** A POST to a type's URL answered 200: a conditional create that found its match and wrote nothing. */
  private static boolean matchedCreate(String method, int status, String url) {
    int query = url.indexOf('?');
    return method.equals("POST") && status == 200 && TYPE.matcher(query < 0 ? url : url.substring(0, query)).matches();
  }

  private static Written fromResource(Written.Action action, ObjectNode resource, String source) {
    JsonNode meta = resource.path("meta");
    return new Written(0, action, resource.path("resourceType").asText(), resource.path("id").asText(),
        meta.path("versionId").asText(null), meta.path("lastUpdated").asText(Instant.now().toString()),
        meta.has("source") ? meta.get("source").asText() : source, resource);
  }

  private static Written fromLocation(Written.Action action, String location, String source) {
    Matcher target = location == null ? null : LOCATION.matcher(location);
    return target == null || !target.matches() ? null : new Written(0, action, target.group(1), target.group(2),
        target.group(3), Instant.now().toString(), source, null);
  }

  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return json.createObjectNode();
    }
    try {
      return json.readTree(body);
    } catch (IOException e) {
      return json.createObjectNode();
    }
  }
}
