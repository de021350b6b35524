package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.http.PageSizes;
import io.brazier.server.http.StoredBundle;
import io.brazier.server.interaction.History;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.store.Change;
import io.brazier.store.ChangePage;
import io.brazier.store.ChangeQuery;
import io.brazier.store.ChangesGone;
import io.brazier.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.UriType;

/**
 * The change feed: GET [base]/$changes?since=[seq], the writes numbered after {@code since} (0: from the start),
 * oldest first, numbered in commit order, so a reader that resumes from the last number it saw never misses one.
 * The sync agent, the events publisher and the bulk tools read it, over HTTP or through {@code FhirApi}.
 * <pre>
 * since      the sequence to read after (the next link carries it)
 * _count     most entries in a page
 * _type      a comma list of resource types: only their changes
 * _wait      seconds (at most 60) to wait for a first change when there is none yet: the answer comes as soon as
 *            any node commits one, or empty at the end (a long poll)
 * resources  true: each entry carries the version it wrote (none for a deletion)
 * _elements  with resources: each version cut to these root elements, id, meta and its mandatory ones, marked
 *            SUBSETTED (Rendering cuts the stored JSON as it streams: a reader that needs a few elements, the
 *            events publisher, costs neither a whole page's bytes nor their parsing)
 * </pre>
 * The answer is a Bundle of type history:
 * <pre>
 * link   self, and next: this URL with since = where the next page starts, always present: a reader polls it, and
 *        an empty page means it has caught up
 * entry  fullUrl    [base]/[type]/[id]
 *        extension  {url: https://brazier.dev/fhir/StructureDefinition/change-sequence, valueDecimal: [seq]}
 *                   (a whole number; R4 has no 64-bit integer type)
 *        extension  {url: https://brazier.dev/fhir/StructureDefinition/change-source, valueUri: [meta.source]}
 *                   when the version has one (a deletion: the deleting system's), so a system can skip its own
 *        request    method POST (version 1 with an id the server gave), PUT (version 1 created by an update or an
 *                   import, a later version) or DELETE; url [type] for POST, else [type]/[id]
 *        response   status (201 Created for a version that created its resource, whatever its method: version 1,
 *                   or one that brought a deleted resource back, as history says; a reader tells creations by it),
 *                   etag W/"[version]" (none for a delete: it wrote no version to read), lastModified
 *        resource   with resources=true
 * </pre>
 * A {@code since} older than the feed keeps ({@code --changes-retention}) is a 410: the reader may have missed
 * changes, and must read everything again, then follow the feed from the sequence the OperationOutcome names.
 */
public final class Changes implements Interaction {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("changes", "https://brazier.dev/fhir/OperationDefinition/changes");
  public static final String SEQUENCE = "https://brazier.dev/fhir/StructureDefinition/change-sequence";
  public static final String SOURCE = "https://brazier.dev/fhir/StructureDefinition/change-source";
  /** The longest long poll: longer would outlast the timeouts of the proxies between a reader and the server. */
  static final int MAX_WAIT_SECONDS = 60;

  private final Fhir fhir;
  private final Store store;
  private final PageSizes pageSizes;

  public Changes(Fhir fhir, Store store, PageSizes pageSizes) {
    this.fhir = fhir;
    this.store = store;
    this.pageSizes = pageSizes;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    ChangeQuery query = new ChangeQuery(since(request), types(request), request.count(pageSizes),
        Duration.ofSeconds(wait(request)), resources(request));
    ChangePage page;
    try {
      page = store.changes(query);
    } catch (ChangesGone e) {
      throw new FhirException(410, IssueType.DELETED, "The change feed no longer keeps the changes after sequence "
          + query.since() + ": it keeps them from sequence " + e.firstKept() + " on (--changes-retention). Re-sync:"
          + " read every resource again, then follow $changes?since=" + e.latest() + ".");
    }
    Bundle bundle = History.bundle(request, request.link("since", Long.toString(page.last())));
    List<byte[]> resources = new ArrayList<>();
    for (Change change : page.changes()) {
      BundleEntryComponent entry = History.entry(request.baseUrl(), change.type(), change.id(), change.version(),
          change.action(), change.createdByPut(), change.at());
      entry.addExtension(SEQUENCE, new DecimalType(change.sequence()));
      if (change.source() != null) {
        entry.addExtension(SOURCE, new UriType(change.source()));
      }
      bundle.addEntry(entry);
      resources.add(change.resource());
    }
    return FhirResponse.ok(new StoredBundle(bundle, resources));
  }

  private static long since(FhirRequest request) {
    return number(request, "since", Long.MAX_VALUE,
        "a change sequence number (0 or more): follow the next link of the previous page");
  }

  private static int wait(FhirRequest request) {
    return (int) number(request, "_wait", MAX_WAIT_SECONDS, "a number of seconds from 0 to " + MAX_WAIT_SECONDS);
  }

  /** A whole number from 0 to {@code max}; 0 when not given. */
  private static long number(FhirRequest request, String name, long max, String meaning) {
    String value = request.param(name);
    if (value == null) {
      return 0;
    }
    try {
      long number = Long.parseLong(value.trim());
      if (number >= 0 && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // Answered below, as any other number out of range.
    }
    throw FhirException.badRequest(name + " '" + value + "' is not " + meaning + ".");
  }

  private Set<String> types(FhirRequest request) {
    Set<String> types = new LinkedHashSet<>();
    for (String value : request.query().getOrDefault("_type", List.of())) {
      for (String type : value.split(",")) {
        if (!fhir.isResourceType(type.trim())) {
          throw FhirException.badRequest("_type '" + type.trim() + "' is not a FHIR R4 resource type.");
        }
        types.add(type.trim());
      }
    }
    return types;
  }

  private static boolean resources(FhirRequest request) {
    String value = request.param("resources");
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw FhirException.badRequest("resources '" + value + "' is neither true nor false.");
  }
}
