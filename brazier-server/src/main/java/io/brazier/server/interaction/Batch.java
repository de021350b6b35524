package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.store.Store;
import io.brazier.store.VersionConflictException;
import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * FHIR batch: POST [base] with a Bundle of type batch. Each entry runs by the same interaction code as a request of
 * its own and answers with its own status, location, etag and lastModified, or an OperationOutcome when it fails:
 * one bad entry never blocks the others. So that a batch of a thousand creates costs one fsync, not a thousand, the
 * writes are prepared in parallel and stored by one commit; should that commit fail, each write runs alone again.
 * Writes that touch the same resource or the same conditions as an earlier entry, writes that need a resource not
 * stored yet (another entry may write it), and reads run alone afterwards.
 * https://hl7.org/fhir/R4/http.html#transaction
 */
final class Batch {
  private final Store store;
  private final Commits commits;
  private final EntryResponses responses;

  Batch(Store store, Commits commits, EntryResponses responses) {
    this.store = store;
    this.commits = commits;
    this.responses = responses;
  }

  FhirResponse process(FhirRequest request, List<Entry> entries) {
    BundleEntryComponent[] out = new BundleEntryComponent[entries.size()];
    Prepared[] staged = stage(entries, out, request.baseUrl());
    List<Integer> together = together(entries, staged);
    List<Write> writes = new ArrayList<>();
    together.forEach(i -> writes.addAll(staged[i].writes()));
    try {
      store.commit(writes);
      together.forEach(i -> out[i] = responses.entry(entries.get(i), staged[i].response(), request.baseUrl()));
    } catch (VersionConflictException e) {
      // Some entry raced another writer: every entry of the failed commit runs alone instead.
    }
    for (Entry entry : entries) {
      if (out[entry.index()] == null) {
        out[entry.index()] = responses.run(entry, request.baseUrl());
      }
    }
    return FhirResponse.ok(responses.bundle(BundleType.BATCHRESPONSE, Arrays.asList(out)));
  }

  /** Every write entry prepared, in parallel; the failures answered in {@code out}. Reads are left null. */
  private Prepared[] stage(List<Entry> entries, BundleEntryComponent[] out, String baseUrl) {
    Prepared[] staged = new Prepared[entries.size()];
    Parallel.forEach(entries.size(), i -> {
      Entry entry = entries.get(i);
      if (entry.failure() != null) {
        out[i] = responses.failure(entry, entry.failure(), baseUrl);
      } else if (!entry.isRead() && entry.interaction() instanceof WriteInteraction writer) {
        try {
          staged[i] = commits.stage(writer, entry.request());
        } catch (FhirException e) {
          if (!mayFindAfterTheCommit(e)) {
            out[i] = responses.failure(entry, entry.located(e), baseUrl);
          }
        }
      }
    });
    return staged;
  }

  /**
   * Whether an entry failed for want of a resource (a reference to it, or the resource it patches) that another entry
   * of the batch may write: such an entry runs alone after the commit, as it would had the entries run one after
   * another, the way Microsoft's server runs a batch.
   */
  private static boolean mayFindAfterTheCommit(FhirException e) {
    return e.outcome().getIssueFirstRep().getCode() == IssueType.NOTFOUND;
  }

  /**
   * The staged entries that can share one commit: none writes a resource, or names conditions, that an earlier one
   * does, so the commit gives what running them one after another would.
   */
  private static List<Integer> together(List<Entry> entries, Prepared[] staged) {
    Set<String> claimed = new HashSet<>();
    List<Integer> together = new ArrayList<>();
    for (int i = 0; i < staged.length; i++) {
      if (staged[i] == null) {
        continue;
      }
      List<String> claims = new ArrayList<>();
      for (Write write : staged[i].writes()) {
        claims.add(write.type() + "/" + write.id());
      }
      String conditions = Conditions.named(entries.get(i).request());
      if (conditions != null) {
        claims.add(conditions);
      }
      if (claims.stream().noneMatch(claimed::contains)) {
        claimed.addAll(claims);
        together.add(i);
      }
    }
    return together;
  }
}
