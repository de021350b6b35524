package io.brazier.sync.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brazier's change feed, {@code GET [base]/$changes}: pages of changes in commit order, each with its sequence, of
 * the types asked for ({@code _type}), carrying the versions written ({@code resources=true}), waiting up to
 * {@code wait} for a first one ({@code _wait}, a long poll). Types not asked for are dropped here too, and a change
 * without its resource (a deletion) is read by the caller.
 */
public final class ChangeFeed {
  public static final String SEQUENCE = "https://brazier.dev/fhir/StructureDefinition/change-sequence";
  /** The source extension of an entry: the {@code meta.source} of the version written. */
  public static final String SOURCE = "https://brazier.dev/fhir/StructureDefinition/change-source";
  /** Where a 410's OperationOutcome says to follow the feed from, once everything is read again. */
  private static final Pattern FOLLOW_FROM = Pattern.compile("\\$changes\\?since=(\\d+)");

  private final FhirClient fhir;
  private final int count;
  private final Duration wait;

  public ChangeFeed(FhirClient fhir, int count, Duration wait) {
    this.fhir = fhir;
    this.count = count;
    this.wait = wait;
  }

  /**
   * The changes after {@code since} of {@code types}; with no types, none, but the position still moves on (read
   * without resources, as nothing is synced).
   *
   * @throws FeedGone when the feed no longer holds the changes after {@code since}
   */
  public ChangePage read(long since, Set<String> types) throws SourceException {
    String url = "$changes?since=" + since + "&_count=" + count + (types.isEmpty() ? "" : "&resources=true")
        + (wait.isZero() ? "" : "&_wait=" + wait.toSeconds())
        + (types.isEmpty() ? "" : "&_type=" + Links.encode(String.join(",", new TreeSet<>(types))));
    FhirReply reply = Replies.send(fhir, url);
    if (reply.status() == 410) {
      String diagnostics = Replies.diagnostics(reply);
      Matcher latest = FOLLOW_FROM.matcher(diagnostics);
      throw new FeedGone(diagnostics, latest.find() ? Long.valueOf(latest.group(1)) : null);
    }
    JsonNode bundle = Replies.json(fhir, url, reply);
    List<Change> changes = new ArrayList<>();
    long last = since;
    int entries = 0;
    for (JsonNode entry : bundle.path("entry")) {
      entries++;
      Change change = change(entry);
      last = Math.max(last, change.sequence());
      if (types.contains(change.type())) {
        changes.add(change);
      }
    }
    String nextSince = Links.param(Links.link(bundle, "next"), "since");
    long next = nextSince == null ? last : Math.max(last, Long.parseLong(nextSince));
    return new ChangePage(changes, next, entries >= count);
  }

  private static Change change(JsonNode entry) throws SourceException {
    long sequence = -1;
    String source = null;
    for (JsonNode extension : entry.path("extension")) {
      String url = extension.path("url").asText();
      if (url.equals(SEQUENCE)) {
        sequence = extension.path("valueDecimal").asLong(-1);
      } else if (url.equals(SOURCE)) {
        source = primitive(extension);
      }
    }
    String fullUrl = entry.path("fullUrl").asText("");
    String[] parts = fullUrl.split("/");
    if (sequence < 0 || parts.length < 2) {
      throw new SourceException(200, "A change feed entry has no sequence or no fullUrl: " + entry);
    }
    String method = entry.path("request").path("method").asText();
    Change.Action action = switch (method) {
      case "POST" -> Change.Action.CREATE;
      case "DELETE" -> Change.Action.DELETE;
      default -> Change.Action.UPDATE;
    };
    JsonNode resource = entry.get("resource");
    String lastModified = entry.path("response").path("lastModified").asText(null);
    return new Change(sequence, parts[parts.length - 2], parts[parts.length - 1],
        version(entry.path("response").path("etag").asText(null)), action, source,
        lastModified == null ? null : OffsetDateTime.parse(lastModified).toInstant(),
        resource instanceof ObjectNode object ? object : null);
  }

  /** The value of an extension, whatever its primitive type. */
  private static String primitive(JsonNode extension) {
    for (var field : extension.properties()) {
      if (field.getKey().startsWith("value") && field.getValue().isValueNode()) {
        return field.getValue().asText();
      }
    }
    return null;
  }

  /** The version of a weak ETag, {@code W/"3"}; null when there is none. */
  static Integer version(String etag) {
    if (etag == null) {
      return null;
    }
    String digits = etag.replace("W/", "").replace("\"", "").trim();
    try {
      return Integer.valueOf(digits);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
