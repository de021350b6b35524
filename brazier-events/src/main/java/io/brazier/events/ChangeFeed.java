package io.brazier.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirCall;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import io.brazier.client.HttpFhirClient;
import io.brazier.server.Caller;
import io.brazier.server.FhirApi;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's change feed, {@code GET [base]/$changes}, read page by page: every committed write in commit order,
 * each with its sequence. A page is asked for with a long poll ({@code _wait}) and with its resources
 * ({@code resources=true}); a server that answers at once, or without the resources, is read all the same: a missing
 * version is read with vread, and a deletion's last version (for its patient) from the resource's history.
 */
public final class ChangeFeed {
  static final String SEQUENCE = "https://brazier.dev/fhir/StructureDefinition/change-sequence";
  static final String SOURCE = "https://brazier.dev/fhir/StructureDefinition/change-source";
  private static final ObjectMapper json = new ObjectMapper();
  private static final Pattern SINCE = Pattern.compile("[?&]since=([0-9]+)");
  private static final Pattern ETAG = Pattern.compile("(?:W/)?\"([^\"]+)\"");

  private final FhirClient server;

  /** The feed of {@code server}: in process, or over HTTP with a timeout longer than the feed's long poll. */
  public ChangeFeed(FhirClient server) {
    this.server = server;
  }

  /**
   * The feed of the server in this process, asked as a system of the process (which needs no token under
   * {@code --auth}); {@code baseUrl} is what the server's answers call it.
   */
  public static ChangeFeed inProcess(FhirApi api, String baseUrl) {
    return new ChangeFeed(api.client(Caller.system("urn:brazier:events"), baseUrl));
  }

  /** The feed of the FHIR server at {@code base} ({@code http://host:8080/fhir}). */
  public static ChangeFeed overHttp(URI base) {
    return new ChangeFeed(new HttpFhirClient(base, Optional.empty(), Duration.ofSeconds(90)));
  }

  /** A page of writes and where the next one starts; {@code full} when more may be waiting already. */
  record Page(List<Written> writes, long next, boolean full) {}

  /**
   * The writes numbered after {@code since}, at most {@code count}, of the types {@code concerned} (empty:
   * all), waiting up to {@code wait} for a first one.
   */
  Page read(long since, int count, Duration wait, Predicate<String> concerned) {
    JsonNode bundle = getJson("$changes?since=" + since + "&_count=" + count + "&_wait=" + wait.toSeconds()
        + "&resources=true");
    JsonNode entries = bundle.path("entry");
    List<Written> writes = new ArrayList<>();
    long last = since;
    for (JsonNode entry : entries) {
      last = sequence(entry);
      String[] typeAndId = typeAndId(entry);
      if (concerned.test(typeAndId[0])) {
        writes.add(written(entry, last, typeAndId[0], typeAndId[1]));
      }
    }
    return new Page(writes, next(bundle, last), entries.size() >= count);
  }

  private Written written(JsonNode entry, long sequence, String type, String id) {
    Written.Action action = Written.Action.ofMethod(entry.path("request").path("method").asText());
    String version = etagVersion(entry);
    ObjectNode resource = entry.get("resource") instanceof ObjectNode given ? given : null;
    if (action == Written.Action.DELETED) {
      LastVersion last = lastBefore(type, id, entry);
      resource = last.resource();
      version = version != null ? version : last.deletionVersion();
    } else if (resource == null) {
      resource = vread(type, id, version);
    }
    JsonNode meta = resource == null || action == Written.Action.DELETED ? null : resource.path("meta");
    String lastUpdated = meta != null && meta.has("lastUpdated") ? meta.get("lastUpdated").asText()
        : entry.path("response").path("lastModified").asText(null);
    String source = meta != null && meta.has("source") ? meta.get("source").asText() : extension(entry, SOURCE);
    return new Written(sequence, action, type, id, version, lastUpdated, source, resource);
  }

  private ObjectNode vread(String type, String id, String version) {
    FhirReply answer = get(type + "/" + id + "/_history/" + version);
    return answer.status() == 200 && parse(answer.body()) instanceof ObjectNode resource ? resource : null;
  }

  /** A deletion's last version before it: its resource, and the number of the deletion, one after it. */
  private record LastVersion(ObjectNode resource, String deletionVersion) {}

  /**
   * Finds the deletion in the resource's history (newest first) by its time, and the version before it: the
   * resource a deletion no longer has, whose patient its message is keyed by.
   */
  private LastVersion lastBefore(String type, String id, JsonNode deletion) {
    String at = deletion.path("response").path("lastModified").asText("");
    JsonNode history = getJson(type + "/" + id + "/_history?_count=100").path("entry");
    for (int i = 0; i + 1 < history.size(); i++) {
      JsonNode entry = history.get(i);
      if (entry.path("request").path("method").asText().equals("DELETE")
          && entry.path("response").path("lastModified").asText().equals(at)) {
        JsonNode before = history.get(i + 1);
        String version = etagVersion(before);
        return new LastVersion(before.get("resource") instanceof ObjectNode resource ? resource : null,
            version == null ? null : Long.toString(Long.parseLong(version) + 1));
      }
    }
    return new LastVersion(null, null);
  }

  private FhirReply get(String url) {
    try {
      return server.send(new FhirCall("GET", url, Map.of("Accept", "application/fhir+json"), null));
    } catch (IOException e) {
      throw new FeedFailure("GET " + server.name() + "/" + url + " failed: " + e.getMessage(), e);
    }
  }

  private JsonNode getJson(String url) {
    FhirReply answer = get(url);
    if (answer.status() != 200) {
      JsonNode outcome = parse(answer.body());
      throw new FeedFailure("GET " + url + " answered " + answer.status() + ": "
          + outcome.path("issue").path(0).path("diagnostics").asText("no OperationOutcome"));
    }
    return parse(answer.body());
  }

  private static JsonNode parse(byte[] body) {
    try {
      return body.length == 0 ? json.createObjectNode() : json.readTree(body);
    } catch (IOException e) {
      throw new FeedFailure("The server answered something that is not JSON: " + e.getMessage(), e);
    }
  }

  private static long sequence(JsonNode entry) {
    String value = extension(entry, SEQUENCE);
    if (value == null) {
      throw new FeedFailure("A change feed entry has no sequence (" + SEQUENCE + "): is this a Brazier server?");
    }
    return Long.parseLong(value);
  }

  private static String extension(JsonNode entry, String url) {
    for (JsonNode extension : entry.path("extension")) {
      if (url.equals(extension.path("url").asText())) {
        for (String name : List.of("valueDecimal", "valueUri", "valueString", "valueInteger")) {
          if (extension.has(name)) {
            return extension.get(name).asText();
          }
        }
      }
    }
    return null;
  }

  /** {@code [base]/Observation/12} as {Observation, 12}. */
  private static String[] typeAndId(JsonNode entry) {
    String[] segments = entry.path("fullUrl").asText().split("/");
    if (segments.length < 2) {
      throw new FeedFailure("A change feed entry has no fullUrl [base]/[type]/[id]: " + entry.path("fullUrl"));
    }
    return new String[] {segments[segments.length - 2], segments[segments.length - 1]};
  }

  private static String etagVersion(JsonNode entry) {
    Matcher etag = ETAG.matcher(entry.path("response").path("etag").asText(""));
    return etag.matches() ? etag.group(1) : null;
  }

  /** The since of the next link: past the changes of other types too, where the server filtered them out. */
  private static long next(JsonNode bundle, long last) {
    for (JsonNode link : bundle.path("link")) {
      if (link.path("relation").asText().equals("next")) {
        Matcher since = SINCE.matcher(URLDecoder.decode(link.path("url").asText(), StandardCharsets.UTF_8));
        if (since.find()) {
          return Math.max(last, Long.parseLong(since.group(1)));
        }
      }
    }
    return last;
  }
}
