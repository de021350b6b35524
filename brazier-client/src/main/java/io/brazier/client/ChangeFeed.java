package io.brazier.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brazier's change feed, {@code GET [base]/$changes}, read a page at a time: the changes in commit order, each with
 * its sequence (an extension of the entry), and where the next page starts (the {@code since} of the next link).
 * What a reader does with a change that comes without its resource, and with a position the feed no longer keeps
 * (410), is its own policy.
 */
public final class ChangeFeed {
  public static final String SEQUENCE = "https://brazier.dev/fhir/StructureDefinition/change-sequence";
  /** The source extension of an entry: the {@code meta.source} of the version written. */
  public static final String SOURCE = "https://brazier.dev/fhir/StructureDefinition/change-source";
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Pattern SINCE = Pattern.compile("[?&]since=([0-9]+)");
  private static final Pattern ETAG = Pattern.compile("(?:W/)?\"([0-9]{1,9})\"");

  private final FhirClient server;

  public ChangeFeed(FhirClient server) {
    this.server = server;
  }

  /**
   * The page {@code query} asks for. Changes of types not asked for are dropped here too, and the next page starts
   * past them all the same.
   */
  public ChangePage read(ChangeQuery query) throws ChangeFeedException {
    String path = query.path();
    JsonNode bundle = bundle(path, send(path));
    List<Change> changes = new ArrayList<>();
    long last = query.since();
    int entries = 0;
    for (JsonNode entry : bundle.path("entry")) {
      entries++;
      Change change = change(entry);
      last = Math.max(last, change.sequence());
      if (query.types().isEmpty() || query.types().contains(change.type())) {
        changes.add(change);
      }
    }
    return new ChangePage(changes, next(bundle, last), entries >= query.count());
  }

  private FhirReply send(String path) throws ChangeFeedException {
    try {
      return server.send(FhirCall.get(path));
    } catch (IOException e) {
      throw new ChangeFeedException(0, "The FHIR server " + server.name() + " could not be reached: "
          + e.getMessage(), null, e);
    }
  }

  private JsonNode bundle(String path, FhirReply reply) throws ChangeFeedException {
    if (!reply.ok()) {
      String diagnostics = reply.diagnostics();
      throw new ChangeFeedException(reply.status(), "GET " + path + " answered " + reply.status() + ": "
          + diagnostics, diagnostics, null);
    }
    try {
      return reply.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(reply.body());
    } catch (IOException e) {
      throw new ChangeFeedException(reply.status(), "GET " + path + " answered what is not JSON: " + e.getMessage(),
          null, e);
    }
  }

  private static Change change(JsonNode entry) throws ChangeFeedException {
    String[] segments = entry.path("fullUrl").asText().split("/");
    if (segments.length < 2) {
      throw malformed("A change feed entry has no fullUrl [base]/[type]/[id]: " + entry.path("fullUrl"));
    }
    JsonNode response = entry.path("response");
    return new Change(sequence(entry), segments[segments.length - 2], segments[segments.length - 1],
        version(response.path("etag").asText("")), action(entry.path("request").path("method").asText(),
            response.path("status").asText("")),
        extension(entry, SOURCE), response.path("lastModified").asText(null),
        entry.get("resource") instanceof ObjectNode resource ? resource : null);
  }

  private static long sequence(JsonNode entry) throws ChangeFeedException {
    String value = extension(entry, SEQUENCE);
    if (value == null) {
      throw malformed("A change feed entry has no sequence (" + SEQUENCE + "): is this a Brazier server?");
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw malformed("A change feed entry's sequence is not a whole number: " + value);
    }
  }

  /** What a write did, by its method and, for a PUT that created its resource (the status says so), its status. */
  private static Change.Action action(String method, String status) throws ChangeFeedException {
    return switch (method) {
      case "POST" -> Change.Action.CREATE;
      case "PUT", "PATCH" -> status.startsWith("201") ? Change.Action.CREATE : Change.Action.UPDATE;
      case "DELETE" -> Change.Action.DELETE;
      default -> throw malformed("A change feed entry has no action for method '" + method + "'");
    };
  }

  /** The value of an entry's extension {@code url}, whatever its primitive type; null when it has none. */
  private static String extension(JsonNode entry, String url) {
    for (JsonNode extension : entry.path("extension")) {
      if (url.equals(extension.path("url").asText())) {
        for (var field : extension.properties()) {
          if (field.getKey().startsWith("value") && field.getValue().isValueNode()) {
            return field.getValue().asText();
          }
        }
      }
    }
    return null;
  }

  /** The version of a weak ETag, {@code W/"3"}; null when there is none. */
  private static Integer version(String etag) {
    Matcher version = ETAG.matcher(etag.trim());
    return version.matches() ? Integer.valueOf(version.group(1)) : null;
  }

  /** The since of the next link: past the changes of other types too, where the server filtered them out. */
  private static long next(JsonNode bundle, long last) throws ChangeFeedException {
    for (JsonNode link : bundle.path("link")) {
      if (link.path("relation").asText().equals("next")) {
        Matcher since = SINCE.matcher(URLDecoder.decode(link.path("url").asText(), StandardCharsets.UTF_8));
        if (since.find()) {
          try {
            return Math.max(last, Long.parseLong(since.group(1)));
          } catch (NumberFormatException e) {
            throw malformed("The next link's since is not a sequence: " + since.group(1));
          }
        }
      }
    }
    return last;
  }

  private static ChangeFeedException malformed(String message) {
    return new ChangeFeedException(200, message, null, null);
  }
}
