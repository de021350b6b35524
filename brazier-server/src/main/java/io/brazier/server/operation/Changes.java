package io.brazier.server.operation;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.http.PageSizes;
import io.brazier.server.interaction.History;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.store.Change;
import io.brazier.store.Store;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.DecimalType;

/**
 * The change feed: GET [base]/$changes?since=[seq]&_count=[n], the writes numbered after {@code since} (0: from the
 * start), oldest first, numbered in commit order, so a reader that resumes from the last number it saw never misses
 * one. The sync agent and the bulk tools read it. The answer is a Bundle of type history:
 * <pre>
 * link   self, and next: this URL with since = the last sequence of the page (the same since when the page is
 *        empty), always present: a reader polls it, and an empty page means it has caught up
 * entry  fullUrl    [base]/[type]/[id]
 *        extension  {url: https://brazier.dev/fhir/StructureDefinition/change-sequence, valueDecimal: [seq]}
 *                   (a whole number; R4 has no 64-bit integer type)
 *        request    method POST (version 1), PUT (a later version) or DELETE; url [type] for POST, else [type]/[id]
 *        response   status, etag W/"[version]" (none for a delete: it wrote no version to read), lastModified
 * </pre>
 * Entries carry no resource: read the version named by the ETag with vread.
 */
public final class Changes implements Interaction {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("changes", "https://brazier.dev/fhir/OperationDefinition/changes");
  public static final String SEQUENCE = "https://brazier.dev/fhir/StructureDefinition/change-sequence";

  private final Store store;
  private final PageSizes pageSizes;

  public Changes(Store store, PageSizes pageSizes) {
    this.store = store;
    this.pageSizes = pageSizes;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    long since = since(request);
    List<Change> changes = store.changes(since, request.count(pageSizes));
    long last = changes.isEmpty() ? since : changes.get(changes.size() - 1).sequence();
    Bundle bundle = History.bundle(request, request.link("since", Long.toString(last)));
    for (Change change : changes) {
      BundleEntryComponent entry = History.entry(request.baseUrl(), change.type(), change.id(), change.version(),
          change.action(), change.at());
      entry.addExtension(SEQUENCE, new DecimalType(change.sequence()));
      bundle.addEntry(entry);
    }
    return FhirResponse.ok(bundle);
  }

  private static long since(FhirRequest request) {
    String value = request.param("since");
    if (value == null) {
      return 0;
    }
    try {
      long since = Long.parseLong(value.trim());
      if (since >= 0) {
        return since;
      }
    } catch (NumberFormatException e) {
      // Answered below, as any other number out of range.
    }
    throw FhirException.badRequest("since '" + value + "' is not a change sequence number (0 or more): follow the"
        + " next link of the previous page.");
  }
}
