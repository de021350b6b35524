package io.brazier.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Change;
import io.brazier.client.ChangeFeedException;
import io.brazier.client.ChangePage;
import io.brazier.client.ChangeQuery;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import io.brazier.client.HttpFhirClient;
import io.brazier.client.Jackson;
import io.brazier.server.Caller;
import io.brazier.server.FhirApi;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's change feed, {@code GET [base]/$changes}, read page by page (brazier-client's {@code ChangeFeed}) as
 * the writes the publisher sends: every committed write in commit order, each with its sequence. A page is asked for
 * with a long poll ({@code _wait}) and with its resources ({@code resources=true}) cut by the server to the root
 * elements the messages need ({@code _elements}: the references to a patient, the sync agent's target id; the server
 * keeps {@code meta}), so that a page of a thousand writes is neither encoded nor parsed whole; a server that answers
 * at once, or without the resources, is read all the same: a missing version is read with vread, and a deletion's
 * last version (for its patient) from the resource's history.
 */
public final class ChangeFeed {
  private static final ObjectMapper json = Jackson.MAPPER;
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
   * all), waiting up to {@code wait} for a first one; of each write's resource, only the root {@code elements}
   * named, with {@code id}, {@code meta} and its mandatory elements.
   */
  Page read(long since, int count, Duration wait, Predicate<String> concerned, Set<String> elements) {
    ChangePage page;
    try {
      page = new io.brazier.client.ChangeFeed(server).read(
          new ChangeQuery(since, Set.of(), count, wait, true, elements));
    } catch (ChangeFeedException e) {
      throw new FeedFailure(e.getMessage(), e);
    }
    List<Written> writes = page.changes().stream().filter(change -> concerned.test(change.type()))
        .map(this::written).toList();
    return new Page(writes, page.next(), page.full());
  }

  private Written written(Change change) {
    Written.Action action = Written.Action.of(change.action());
    String version = change.version() == null ? null : change.version().toString();
    ObjectNode resource = change.resource();
    if (action == Written.Action.DELETED) {
      LastVersion last = lastBefore(change.type(), change.id(), change.lastModified());
      resource = last.resource();
      version = version != null ? version : last.deletionVersion();
    } else if (resource == null) {
      resource = vread(change.type(), change.id(), version);
    }
    JsonNode meta = resource == null || action == Written.Action.DELETED ? null : resource.path("meta");
    String lastUpdated = meta != null && meta.has("lastUpdated") ? meta.get("lastUpdated").asText()
        : change.lastModified();
    String source = meta != null && meta.has("source") ? meta.get("source").asText() : change.source();
    return new Written(change.sequence(), action, change.type(), change.id(), version, lastUpdated, source, resource);
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
  private LastVersion lastBefore(String type, String id, String deletedAt) {
    String at = deletedAt == null ? "" : deletedAt;
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
      return server.get(url);
    } catch (IOException e) {
      throw new FeedFailure("GET " + server.name() + "/" + url + " failed: " + e.getMessage(), e);
    }
  }

  private JsonNode getJson(String url) {
    FhirReply answer = get(url);
    if (answer.status() != 200) {
      throw new FeedFailure("GET " + url + " answered " + answer.status() + ": " + answer.diagnostics());
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

  private static String etagVersion(JsonNode entry) {
    Matcher etag = ETAG.matcher(entry.path("response").path("etag").asText(""));
    return etag.matches() ? etag.group(1) : null;
  }
}
