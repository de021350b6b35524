package io.brazier.sync.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Change;
import io.brazier.client.ChangePage;
import io.brazier.client.FhirClient;
import io.brazier.fhir.BaseUrl;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The changes of any FHIR server, read by polling {@code GET [base]/_history?_since=}: a server without Brazier's
 * change feed. Its positions are times: {@code lastUpdated} in milliseconds, times 1000, plus the change's place
 * among those of the same millisecond. A write committed late may carry an earlier {@code lastUpdated} than one read
 * already, so each poll reads again from {@link #OVERLAP} before the newest seen, and drops what it has handed out
 * already by type, id and version (a change read again after a restart is skipped by the target's version guard).
 * The history of a server is newest first, so a poll reads all its pages and hands them out oldest first. A reader
 * with no position yet starts from now, after a back-fill of everything ({@link FeedGone}).
 */
public final class HistoryFeed implements Feed {
  /** How far before the newest change seen each poll reads again. */
  public static final long OVERLAP_MILLIS = 5_000;
  private static final long PER_MILLI = 1_000;

  private final FhirClient fhir;
  private final int count;
  /** What was handed out, {@code Type/id/version}, with its position; those older than a poll reads are forgotten. */
  private final Map<String, Long> seen = new HashMap<>();

  public HistoryFeed(FhirClient fhir, int count) {
    this.fhir = fhir;
    this.count = count;
  }

  @Override
  public ChangePage read(long since, Set<String> types) throws SourceException {
    if (since <= 0) {
      long now = System.currentTimeMillis() * PER_MILLI;
      throw new FeedGone("a _history source is followed from now, after everything is back-filled", now);
    }
    long from = since / PER_MILLI - OVERLAP_MILLIS;
    List<Change> changes = new ArrayList<>();
    String url = "_history?_since=" + Instant.ofEpochMilli(from) + "&_count=" + count;
    while (url != null) {
      JsonNode bundle = Replies.json(fhir, url, Replies.send(fhir, url));
      for (JsonNode entry : bundle.path("entry")) {
        Change change = change(entry);
        if (change != null && types.contains(change.type())) {
          changes.add(change);
        }
      }
      url = relative(Links.link(bundle, "next"));
    }
    return page(since, from, changes);
  }

  /** The changes not handed out yet, oldest first, each numbered by its time. */
  private ChangePage page(long since, long from, List<Change> read) {
    // Newest first as read: reversed, writes of one millisecond keep the order they happened in through the sort.
    java.util.Collections.reverse(read);
    read.sort(Comparator.comparing(Change::at).thenComparing(change -> change.version() == null ? Integer.MAX_VALUE
        : change.version()));
    seen.values().removeIf(position -> position / PER_MILLI < from);
    List<Change> fresh = new ArrayList<>();
    long next = since;
    long last = -1;
    for (Change change : read) {
      long position = Math.max(change.at().toEpochMilli() * PER_MILLI, last + 1);
      last = position;
      String key = change.reference() + "/" + change.version();
      if (seen.putIfAbsent(key, position) == null) {
        fresh.add(new Change(position, change.type(), change.id(), change.version(), change.action(),
            change.source(), change.lastModified(), change.resource()));
        next = Math.max(next, position);
      }
    }
    return new ChangePage(fresh, next, false);
  }

  /** A history entry as a change; null when it is not one (no type, id or time). */
  private static Change change(JsonNode entry) {
    JsonNode resource = entry.path("resource");
    String method = entry.path("request").path("method").asText("");
    String[] reference = reference(entry, resource);
    String lastUpdated = resource.path("meta").path("lastUpdated").asText(
        entry.path("response").path("lastModified").asText(null));
    if (reference == null || lastUpdated == null) {
      return null;
    }
    String versionId = resource.path("meta").path("versionId").asText(
        entry.path("response").path("etag").asText("").replaceAll("[^0-9]", ""));
    Change.Action action = switch (method) {
      case "DELETE" -> Change.Action.DELETE;
      case "POST" -> Change.Action.CREATE;
      default -> Change.Action.UPDATE;
    };
    boolean carried = action != Change.Action.DELETE && resource instanceof ObjectNode;
    return new Change(0, reference[0], reference[1], versionId.isEmpty() ? null : Integer.valueOf(versionId), action,
        resource.path("meta").path("source").asText(null), OffsetDateTime.parse(lastUpdated).toString(),
        carried ? (ObjectNode) resource : null);
  }

  /** Type and id: the resource's, or else those its entry's fullUrl or request URL ends with. */
  private static String[] reference(JsonNode entry, JsonNode resource) {
    if (resource.has("resourceType") && resource.has("id")) {
      return new String[] {resource.path("resourceType").asText(), resource.path("id").asText()};
    }
    String url = entry.path("request").path("url").asText(entry.path("fullUrl").asText(""))
        .replaceFirst("/_history/.*$", "").replaceFirst("\\?.*$", "");
    String[] segments = url.split("/");
    return segments.length < 2 ? null : new String[] {segments[segments.length - 2], segments[segments.length - 1]};
  }

  /** A next link as a path below the base: whatever follows the base URL, or the query alone (HAPI's paging). */
  private String relative(String link) {
    if (link == null) {
      return null;
    }
    Optional<String> below = BaseUrl.below(link, fhir.name());
    if (below.isPresent()) {
      return below.get();
    }
    int history = link.indexOf("_history");
    return history >= 0 ? link.substring(history) : link.substring(Math.max(link.indexOf('?'), 0));
  }
}
