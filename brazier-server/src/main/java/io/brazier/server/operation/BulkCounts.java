package io.brazier.server.operation;

import io.brazier.fhir.Outcomes;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Type;

/**
 * What a bulk job ({@link BulkJob}) did so far, by what became of each resource ({@link Count}: those its kind counts)
 * and type, with why each patch that failed failed (the first {@link #MOST_ISSUES}). Kept in the job's cursor, and
 * answered in the shape of Microsoft's results.
 */
record BulkCounts(Map<Count, Map<String, Long>> counts, List<String> issues) {
  static final int MOST_ISSUES = 100;

  /** What became of a resource, as Microsoft's result names it, and as a poll's progress says it. */
  enum Count {
    /** A new version ({@code $bulk-update}). */
    UPDATED("ResourceUpdatedCount", "updated"),
    /**
     * Left as it was: it changed or went since the kick-off, or ({@code $bulk-update}) its type is not patched or the
     * patch changed nothing.
     */
    IGNORED("ResourceIgnoredCount", "ignored"),
    /** The patch does not apply, or its result is not a valid resource. */
    PATCH_FAILED("ResourcePatchFailedCount", "failed"),
    /** Deleted, or its history purged ({@code $bulk-delete}); Microsoft answers these as decimals. */
    DELETED("ResourceDeletedCount", "deleted");

    private final String parameter;
    private final String word;

    Count(String parameter, String word) {
      this.parameter = parameter;
      this.word = word;
    }

    private Type value(long count) {
      return this == DELETED ? new DecimalType(count) : new IntegerType(Math.toIntExact(count));
    }
  }

  BulkCounts {
    if (counts == null) {
      throw new IllegalArgumentException("No counts by outcome: an older version's");
    }
    // Copies that grow as the job goes: the counts are added to in place, and written with each cursor.
    Map<Count, Map<String, Long>> copy = new EnumMap<>(Count.class);
    counts.forEach((count, byType) -> copy.put(count, new TreeMap<>(byType)));
    counts = copy;
    issues = new ArrayList<>(issues);
  }

  /** Nothing counted yet of these counts, the ones a kind of job answers (and shows while it runs, even when none). */
  static BulkCounts none(Count... kept) {
    Map<Count, Map<String, Long>> counts = new EnumMap<>(Count.class);
    for (Count count : kept) {
      counts.put(count, Map.of());
    }
    return new BulkCounts(counts, List.of());
  }

  /** A copy to count on, leaving these as they are. */
  BulkCounts copy() {
    return new BulkCounts(counts, issues);
  }

  /** Counts {@code more} resources of {@code type} (none: no entry for it). */
  void add(Count count, String type, long more) {
    if (more > 0) {
      counts.computeIfAbsent(count, c -> new TreeMap<>()).merge(type, more, Long::sum);
    }
  }

  /** Counts a resource whose patch failed, and why. */
  void failed(String type, String why) {
    add(Count.PATCH_FAILED, type, 1);
    if (issues.size() < MOST_ISSUES) {
      issues.add(why);
    }
  }

  long total() {
    return counts.keySet().stream().mapToLong(this::sum).sum();
  }

  /** {@code running: 40 updated, 2 ignored, 1 failed}, for a poll of the running job. */
  String progress(String status) {
    return status + ": " + counts.keySet().stream().map(count -> sum(count) + " " + count.word)
        .collect(Collectors.joining(", "));
  }

  /**
   * Microsoft's result: a parameter per count (ResourceUpdatedCount, ResourceDeletedCount...) with a part per type,
   * left out when none; then the failures' reasons and {@code notes} (a cancel, say) as an OperationOutcome in Issues.
   */
  Parameters toParameters(List<OperationOutcome.OperationOutcomeIssueComponent> notes) {
    Parameters result = new Parameters();
    counts.forEach((count, byType) -> {
      if (!byType.isEmpty()) {
        ParametersParameterComponent parameter = result.addParameter().setName(count.parameter);
        byType.forEach((type, value) -> parameter.addPart().setName(type).setValue(count.value(value)));
      }
    });
    OperationOutcome outcome = new OperationOutcome();
    issues.forEach(issue -> outcome.addIssue(Outcomes.error(IssueType.PROCESSING, issue).getIssueFirstRep()));
    long unexplained = sum(Count.PATCH_FAILED) - issues.size();
    if (unexplained > 0) {
      outcome.addIssue(Outcomes.of(IssueSeverity.WARNING, IssueType.INCOMPLETE, unexplained
          + " more failed; PATCH one of them to see why.").getIssueFirstRep());
    }
    notes.forEach(outcome::addIssue);
    if (outcome.hasIssue()) {
      result.addParameter().setName("Issues").setResource(outcome);
    }
    return result;
  }

  private long sum(Count count) {
    return counts.getOrDefault(count, Map.of()).values().stream().mapToLong(Long::longValue).sum();
  }
}
