package io.brazier.sync.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.sync.FhirClient;
import io.brazier.sync.FhirReply;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Brazier's change feed, {@code GET [base]/$changes}: pages of changes in commit order, each with its sequence, of
 * the types asked for, carrying the versions written, waiting up to {@code wait} for a first one. A server that
 * ignores {@code _type}, {@code resources} or {@code _wait} is read all the same: other types are dropped here, a
 * change without its resource is read by the caller, and an empty page is simply answered at once.
 */
public final class ChangeFeed {
  public static final String SEQUENCE = "https://brazier.dev/fhir/StructureDefinition/change-sequence";
  /** The source extension of an entry: the {@code meta.source} of the version written. */
  public static final String SOURCE = "https://brazier.dev/fhir/StructureDefinition/change-source";

  private final FhirClient fhir;
  private final int count;
  private final Duration wait;

  public ChangeFeed(FhirClient fhir, int count, Duration wait) {
    this.fhir = fhir;
    this.count = count;
    this.wait = wait;
  }

  /**
   * The changes after {@code since} of {@code types}.
   *
   * @throws FeedGone when the feed no longer holds the changes after {@code since}
   */
  public ChangePage read(long since, Set<String> types) throws SourceException {
    return read(since, types, count, wait);
  }

  private ChangePage read(long since, Set<String> types, int pageSize, Duration maxWait) throws SourceException {
    String url = "$changes?since=" + since + "&_count=" + pageSize + "&resources=true"
        + (maxWait.isZero() ? "" : "&_wait=" + maxWait.toSeconds())
        + (types.isEmpty() ? "" : "&_type=" + Links.encode(String.join(",", new TreeSet<>(types))));
    FhirReply reply = Replies.send(fhir, url);
    if (reply.status() == 410) {
      throw new FeedGone("The change feed no longer holds the changes after " + since + ": "
          + Replies.diagnostics(reply));
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
    return new ChangePage(changes, next, entries >= pageSize);
  }

  /**
   * The oldest position from which the feed answers, at or after {@code gone} (a position it refused): found by
   * doubling the step until a position answers, then halving it. What the feed still holds is read again from there,
   * which costs some replays (harmless: applying a change twice changes nothing) but depends on nothing more than the
   * 410 the feed answers.
   */
  public long oldestKept(long gone) throws SourceException {
    long refused = gone;
    long step = 1;
    long answered;
    while (true) {
      long probe = refused + step;
      if (answers(probe)) {
        answered = probe;
        break;
      }
      refused = probe;
      step *= 2;
    }
    while (answered - refused > 1) {
      long middle = refused + (answered - refused) / 2;
      if (answers(middle)) {
        answered = middle;
      } else {
        refused = middle;
      }
    }
    return answered;
  }

  private boolean answers(long since) throws SourceException {
    try {
      read(since, Set.of(), 1, Duration.ZERO);
      return true;
    } catch (FeedGone e) {
      return false;
    }
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
