package io.brazier.server.interaction;

import io.brazier.fhir.search.SearchQuery;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.http.StoredBundle;
import io.brazier.store.ResourceVersion;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;

/**
 * A searchset Bundle being built: its total and links, the matches and included resources as stored JSON, and an
 * outcome entry when the search ignored or cut something. https://hl7.org/fhir/R4/bundle.html#searchset
 */
final class Searchset {
  private final FhirRequest request;
  private final Bundle bundle = new Bundle();
  private final List<byte[]> resources = new ArrayList<>();

  /** {@code total} null leaves it out; {@code links} are relation to URL, in order. */
  Searchset(FhirRequest request, Integer total, Map<String, String> links) {
    this.request = request;
    bundle.setId(UUID.randomUUID().toString());
    bundle.getMeta().setLastUpdated(new Date());
    bundle.setType(BundleType.SEARCHSET);
    if (total != null) {
      bundle.setTotal(total);
    }
    links.forEach((relation, url) -> bundle.addLink().setRelation(relation).setUrl(url));
  }

  void add(ResourceVersion version, SearchEntryMode mode) {
    add("/" + version.type() + "/" + version.id(), version.json(), mode);
  }

  /** An entry of stored JSON at {@code path} below the base. */
  void add(String path, byte[] json, SearchEntryMode mode) {
    bundle.addEntry().setFullUrl(request.baseUrl() + path).getSearch().setMode(mode);
    resources.add(json);
  }

  /** An outcome entry naming what was ignored or cut short, when anything was, and the operation's {@code issues}. */
  void outcome(SearchQuery query, List<String> notes, List<OperationOutcomeIssueComponent> issues) {
    if (query.ignored().isEmpty() && notes.isEmpty() && issues.isEmpty()) {
      return;
    }
    OperationOutcome outcome = new OperationOutcome();
    issues.forEach(issue -> outcome.addIssue(issue.copy()));
    for (SearchQuery.Ignored ignored : query.ignored()) {
      outcome.addIssue().setSeverity(IssueSeverity.WARNING).setCode(IssueType.NOTSUPPORTED)
          .setDiagnostics(ignored.reason() + " It was ignored.");
    }
    for (String note : notes) {
      outcome.addIssue().setSeverity(IssueSeverity.WARNING).setCode(IssueType.INCOMPLETE).setDiagnostics(note);
    }
    bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(outcome).getSearch()
        .setMode(SearchEntryMode.OUTCOME);
    resources.add(null);
  }

  FhirResponse response() {
    return FhirResponse.ok(new StoredBundle(bundle, resources));
  }
}
