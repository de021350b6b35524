package io.brazier.server.operation;

import io.brazier.fhir.Outcomes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;

/**
 * What a {@code $bulk-update} did so far, by resource type: updated (a new version), ignored (no version: its type is
 * not patched, the patch left it as it was, or it changed since the job began) and failed (the patch does not apply,
 * or its result is not a valid resource), with why each failure failed (the first {@link #MOST_ISSUES}). Kept in the
 * job's cursor, and answered in the shape of Microsoft's result.
 */
record BulkUpdateCounts(Map<String, Long> updated, Map<String, Long> ignored, Map<String, Long> failed,
    List<String> issues) {
  static final int MOST_ISSUES = 100;

  BulkUpdateCounts {
    // Copies that grow as the job goes: the counts are added to in place, and written with each cursor.
    updated = new TreeMap<>(updated);
    ignored = new TreeMap<>(ignored);
    failed = new TreeMap<>(failed);
    issues = new ArrayList<>(issues);
  }

  static BulkUpdateCounts none() {
    return new BulkUpdateCounts(Map.of(), Map.of(), Map.of(), List.of());
  }

  /** A copy to count on, leaving these as they are. */
  BulkUpdateCounts copy() {
    return new BulkUpdateCounts(updated, ignored, failed, issues);
  }

  void updated(String type) {
    updated.merge(type, 1L, Long::sum);
  }

  void ignored(String type) {
    ignored.merge(type, 1L, Long::sum);
  }

  void failed(String type, String why) {
    failed.merge(type, 1L, Long::sum);
    if (issues.size() < MOST_ISSUES) {
      issues.add(why);
    }
  }

  long total() {
    return sum(updated) + sum(ignored) + sum(failed);
  }

  /** {@code running: 40 updated, 2 ignored, 1 failed}, for a poll of the running job. */
  String progress(String status) {
    return status + ": " + sum(updated) + " updated, " + sum(ignored) + " ignored, " + sum(failed) + " failed";
  }

  /**
   * Microsoft's result: ResourceUpdatedCount, ResourceIgnoredCount and ResourcePatchFailedCount, each with a part per
   * type (a valueInteger: R4 has no integer64), left out when none; then the failures' reasons and {@code note} (a
   * cancel, say) as an OperationOutcome in Issues.
   */
  Parameters toParameters(String note) {
    Parameters result = new Parameters();
    add(result, "ResourceUpdatedCount", updated);
    add(result, "ResourceIgnoredCount", ignored);
    add(result, "ResourcePatchFailedCount", failed);
    OperationOutcome outcome = new OperationOutcome();
    issues.forEach(issue -> outcome.addIssue(Outcomes.error(IssueType.PROCESSING, issue).getIssueFirstRep()));
    if (sum(failed) > issues.size()) {
      outcome.addIssue(Outcomes.of(IssueSeverity.WARNING, IssueType.INCOMPLETE, (sum(failed) - issues.size())
          + " more failed; PATCH one of them to see why.").getIssueFirstRep());
    }
    if (note != null) {
      outcome.addIssue(Outcomes.information(note).getIssueFirstRep());
    }
    if (outcome.hasIssue()) {
      result.addParameter().setName("Issues").setResource(outcome);
    }
    return result;
  }

  private static void add(Parameters result, String name, Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return;
    }
    ParametersParameterComponent parameter = result.addParameter().setName(name);
    counts.forEach((type, count) -> parameter.addPart().setName(type)
        .setValue(new IntegerType(Math.toIntExact(count))));
  }

  private static long sum(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
