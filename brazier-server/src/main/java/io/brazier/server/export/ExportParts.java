package io.brazier.server.export;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import io.brazier.fhir.Outcomes;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.server.ExportConfig;
import io.brazier.store.AsOfScan;
import io.brazier.store.Store;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** What every export run of a node works with. */
record ExportParts(Fhir fhir, Store store, FhirSearch search, ExportScans scans, ExportStorage storage,
    ExportConfig config) {

  /** About how many resources a scan serves, as the planner estimates its query now: for the progress header. */
  long estimate(AsOfScan scan) {
    SearchQuery query = scan.query() != null ? scan.query() : SearchQuery.of(List.of(scan.type()), List.of());
    return store.estimate(query);
  }

  /** A line of the error file. */
  byte[] outcome(ExportRequest.Issue issue) {
    IssueSeverity severity = IssueSeverity.fromCode(issue.severity());
    return fhir.encode(Format.JSON, Outcomes.of(severity, severity == IssueSeverity.ERROR ? IssueType.PROCESSING
        : IssueType.INFORMATIONAL, issue.diagnostics()), false);
  }
}
