package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.References.Missing;
import io.brazier.store.Store;
import io.brazier.store.VersionConflictException;
import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;

/**
 * FHIR transaction: POST [base] with a Bundle of type transaction, all or nothing. Entries are processed in the
 * spec's order (DELETE, POST, PUT and PATCH, then GET and HEAD): first every write's target is found, so that
 * references to the entries' fullUrls can be rewritten to the ids they get; then each write is prepared by the same
 * interaction code as a request of its own (against the current versions of every target, read with one query), its
 * references are checked with one query, and all versions are stored by one commit. Any failure fails the whole transaction with the entry's status and an OperationOutcome naming it.
 * Reads run after the commit and see its writes; as they change nothing, a failed read answers in its own entry.
 * https://hl7.org/fhir/R4/http.html#transaction
 */
final class Transaction {
  private final Store store;
  private final References references;
  private final Reachable reachable;
  private final EntryResponses responses;

  Transaction(Store store, References references, Reachable reachable, EntryResponses responses) {
    this.store = store;
    this.references = references;
    this.reachable = reachable;
    this.responses = responses;
  }

  FhirResponse process(FhirRequest request, List<Entry> entries) {
    for (Entry entry : entries) {
      if (entry.failure() != null) {
        throw entry.failure();
      }
    }
    List<Entry> writes = entries.stream().filter(entry -> !entry.isRead())
        .sorted(Comparator.comparingInt(Entry::rank)).toList();
    Links links = references.open(request.baseUrl(), request.restriction());
    Map<Integer, Target> targets = targets(writes, links);
    Map<Integer, FhirResponse> answers = commit(request, writes, targets, links);
    List<BundleEntryComponent> out = new ArrayList<>(entries.size());
    for (Entry entry : entries) {
      out.add(entry.isRead() ? responses.run(entry, request.baseUrl())
          : responses.entry(entry, answers.get(entry.index()), request.baseUrl()));
    }
    return FhirResponse.ok(responses.bundle(BundleType.TRANSACTIONRESPONSE, out));
  }

  /** Every write's target, by entry index. */
  private static Map<Integer, Target> targets(List<Entry> writes, Links links) {
    Map<Integer, Target> targets = new HashMap<>();
    Map<String, Integer> identities = new HashMap<>();
    for (Entry entry : writes) {
      targets.put(entry.index(), located(entry, () -> target(entry, links, identities)));
    }
    return targets;
  }

  /** An entry's target, declared to the links; a resource written by two entries fails, as the spec says. */
  private static Target target(Entry entry, Links links, Map<String, Integer> identities) {
    Target target = writer(entry).target(entry.request());
    for (String id : target.ids()) {
      Integer other = identities.putIfAbsent(target.type() + "/" + id, entry.index());
      if (other != null) {
        throw FhirException.badRequest(Entry.expression(other) + " and this entry both write " + target.type()
            + "/" + id + "; a transaction may write each resource once.");
      }
    }
    if (!entry.method().equals("DELETE") && target.ids().size() == 1) {
      links.alias(entry.fullUrl(), target.type(), target.id(), target.body());
    }
    return target;
  }

  /**
   * Prepares every write (in parallel: parsing and indexing take most of a transaction's time) and stores them all
   * with one commit; prepared again if another writer got there first.
   */
  private Map<Integer, FhirResponse> commit(FhirRequest request, List<Entry> writes, Map<Integer, Target> targets,
      Links links) {
    for (int attempt = 1; ; attempt++) {
      Prepared[] prepared = prepare(writes, targets, links, Currents.read(store, targets.values()));
      Map<Integer, FhirResponse> answers = new HashMap<>();
      List<Write> versions = new ArrayList<>();
      for (int i = 0; i < writes.size(); i++) {
        answers.put(writes.get(i).index(), prepared[i].response());
        versions.addAll(prepared[i].writes());
      }
      List<Missing> missing = links.missing(versions);
      if (!missing.isEmpty()) {
        Missing first = missing.get(0);
        throw first.owner() < 0 ? first.failure() : first.failure().at(Entry.expression(first.owner()));
      }
      List<Write> all = links.placeholders();
      reachable.checkWrites(request.restriction(), all, List.of());
      all.addAll(versions);
      try {
        store.commit(all);
        return answers;
      } catch (VersionConflictException e) {
        Entry culprit = writerOf(e, writes, targets);
        if (culprit != null && culprit.request().ifMatch() != null) {
          throw culprit.located(Commits.changedSince(e));
        }
        if (attempt == Commits.ATTEMPTS) {
          throw Commits.tooBusy(e);
        }
        links.retry();
      }
    }
  }

  /**
   * Every write prepared and kept to its entry's restriction, in the order of {@code writes}; the first failing
   * entry's failure otherwise.
   */
  private Prepared[] prepare(List<Entry> writes, Map<Integer, Target> targets, Links links, Currents currents) {
    Prepared[] prepared = new Prepared[writes.size()];
    FhirException[] failures = new FhirException[writes.size()];
    Parallel.forEach(writes.size(), i -> {
      Entry entry = writes.get(i);
      try {
        prepared[i] = writer(entry).prepare(entry.request(), targets.get(entry.index()),
            links.at(entry.index(), entry.fullUrl()), currents);
        reachable.checkWrites(entry.request().restriction(), prepared[i].writes(), prepared[i].reached());
      } catch (FhirException e) {
        failures[i] = entry.located(e);
      }
    });
    for (FhirException failure : failures) {
      if (failure != null) {
        throw failure;
      }
    }
    return prepared;
  }

  private static Entry writerOf(VersionConflictException e, List<Entry> writes, Map<Integer, Target> targets) {
    for (Entry entry : writes) {
      Target target = targets.get(entry.index());
      if (target.type().equals(e.type()) && target.ids().contains(e.id())) {
        return entry;
      }
    }
    return null;
  }

  private static WriteInteraction writer(Entry entry) {
    if (entry.interaction() instanceof WriteInteraction writer) {
      return writer;
    }
    throw FhirException.notSupported(entry.method() + " " + String.join("/", entry.request().segments())
        + " cannot be part of a transaction.");
  }

  private static <T> T located(Entry entry, Supplier<T> step) {
    try {
      return step.get();
    } catch (FhirException e) {
      throw entry.located(e);
    }
  }
}
