package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.References.Missing;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import io.brazier.store.VersionConflictException;
import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a write interaction on its own: target, prepare, check the references, one commit. Writers of one resource in
 * this process take turns ({@link ResourceLocks}); a write that races a writer elsewhere is prepared again on the new
 * current version, so no write is ever lost; with If-Match it is a 412 instead. Conditional writes with the same
 * criteria take turns too, from the search to the commit (a bundle's conditional entries all together), so that two
 * of them never both create.
 */
public final class Commits {
  static final int ATTEMPTS = 20;

  private final Store store;
  private final References references;
  private final Reachable reachable;
  private final ResourceLocks locks = new ResourceLocks();
  // Taken before a resource's lock, never while holding one, so the two kinds cannot deadlock.
  private final ResourceLocks conditionLocks = new ResourceLocks();

  public Commits(Store store, References references, Reachable reachable) {
    this.store = store;
    this.references = references;
    this.reachable = reachable;
  }

  public FhirResponse run(WriteInteraction interaction, FhirRequest request) {
    return run(interaction, request, target -> { });
  }

  /**
   * Runs the write, and once it has committed hands {@code committed} the target it wrote (that of the last attempt),
   * still holding the turn of a single resource: for work that must follow the commit, such as purging history.
   */
  public FhirResponse run(WriteInteraction interaction, FhirRequest request, Consumer<Target> committed) {
    return holdingConditions(List.of(request), () -> attempts(interaction, request, committed));
  }

  /** What one of the writes that {@link #runAllRecorded} commits together came to: its response, or its refusal. */
  public record Outcome(FhirResponse response, FhirException refused) {}

  /**
   * Runs each of {@code requests}, writes of one resource each and without conditions, as {@link #run} would, but
   * commits all they write in one transaction with the job progress that {@code progress} makes of their outcomes
   * ({@link Store#commit(List, JobHeartbeat)}), each resource once ({@link PageWrites}). A request refused (4xx) is
   * refused alone; one whose resource another writer changed after it was prepared is refused as with If-Match (412),
   * and the others commit again without it (so they take no turns, {@link ResourceLocks}: a write that races them
   * loses nothing either way). Empty, with nothing written, when the job's runner no longer holds the job.
   */
  public Optional<List<Outcome>> runAllRecorded(WriteInteraction interaction, List<FhirRequest> requests,
      Function<List<Outcome>, JobHeartbeat> progress) {
    List<Outcome> outcomes = new ArrayList<>();
    PageWrites page = new PageWrites();
    for (FhirRequest request : requests) {
      try {
        Staged staged = staged(interaction, request, interaction.target(request));
        page.add(staged.placeholders(), staged.own().writes());
        outcomes.add(new Outcome(staged.own().response(), null));
      } catch (FhirException e) {
        if (e.status() >= 500) {
          throw e;
        }
        page.refused();
        outcomes.add(new Outcome(null, e));
      }
    }
    // Each conflict refuses one request, so this ends.
    while (true) {
      try {
        return store.commit(page.writes(), progress.apply(List.copyOf(outcomes))) ? Optional.of(outcomes)
            : Optional.empty();
      } catch (VersionConflictException e) {
        int lost = page.writer(e.type(), e.id());
        if (lost < 0) {
          throw e;
        }
        outcomes.set(lost, new Outcome(null, changedSince(e)));
        page.drop(lost);
      }
    }
  }

  /**
   * Runs {@code action} holding the turns of every condition these requests name: a conditional write alone, or
   * the conditional entries of a bundle, all at once.
   */
  <T> T holdingConditions(List<FhirRequest> requests, Supplier<T> action) {
    List<String> conditions = requests.stream().map(Conditions::named).filter(Objects::nonNull).toList();
    return conditions.isEmpty() ? action.get() : conditionLocks.holdingAll(conditions, action);
  }

  private FhirResponse attempts(WriteInteraction interaction, FhirRequest request, Consumer<Target> committed) {
    for (int attempt = 1; ; attempt++) {
      try {
        Target target = interaction.target(request);
        return target.ids().size() == 1
            ? locks.holding(target.type(), target.id(), () -> commit(interaction, request, target, committed))
            : commit(interaction, request, target, committed);
      } catch (VersionConflictException e) {
        if (request.ifMatch() != null) {
          throw changedSince(e);
        }
        if (attempt == ATTEMPTS) {
          throw tooBusy(e);
        }
      }
    }
  }

  private FhirResponse commit(WriteInteraction interaction, FhirRequest request, Target target,
      Consumer<Target> committed) {
    Prepared staged = stage(interaction, request, target);
    store.commit(staged.writes());
    committed.accept(target);
    return staged.response();
  }

  /**
   * Everything one write stores, placeholders included, with its references checked and kept to the request's
   * restriction (before the references, so that a refusal does not depend on what exists outside): ready to commit.
   */
  Prepared stage(WriteInteraction interaction, FhirRequest request) {
    return stage(interaction, request, interaction.target(request));
  }

  private Prepared stage(WriteInteraction interaction, FhirRequest request, Target target) {
    Staged staged = staged(interaction, request, target);
    List<Write> writes = new ArrayList<>(staged.placeholders());
    writes.addAll(staged.own().writes());
    return new Prepared(writes, staged.own().response());
  }

  /** A write prepared and checked, apart from the placeholders for the missing resources it refers to. */
  private record Staged(List<Write> placeholders, Prepared own) {}

  private Staged staged(WriteInteraction interaction, FhirRequest request, Target target) {
    Links links = references.open(request.baseUrl(), request.restriction());
    Prepared prepared = interaction.prepare(request, target, links, Currents.of(store));
    reachable.checkWrites(request.restriction(), prepared.writes(), prepared.reached());
    List<Missing> missing = links.missing(prepared.writes());
    if (!missing.isEmpty()) {
      throw missing.get(0).failure();
    }
    reachable.checkWrites(request.restriction(), links.placeholders(), List.of());
    return new Staged(links.placeholders(), prepared);
  }

  /**
   * The current version that a change of an existing resource (a patch, $meta-add) applies to: 404 when it never
   * existed or lies outside the request's restriction, 410 when it is deleted, before If-Match is looked at, as HTTP
   * evaluates preconditions only on what would otherwise succeed.
   */
  ResourceVersion existing(FhirRequest request, String type, String id, Currents currents) {
    ResourceVersion current = currents.of(type, id).orElseThrow(() -> FhirException.notFound(type, id));
    checkReached(request, current);
    if (current.deleted()) {
      throw FhirException.gone(type, id);
    }
    checkIfMatch(request, type, id, current);
    return current;
  }

  /**
   * A 404 when {@code current} (null: none) lies outside the request's restriction, a deletion where the version it
   * deleted did ({@link Reachable#reaches}), as for a resource never stored: checked before anything else is said of
   * it (a 410, an If-Match's 412, a delete's 204), which would tell a restricted caller that the id exists.
   */
  void checkReached(FhirRequest request, ResourceVersion current) {
    if (current != null && !reachable.reaches(request.restriction(), current)) {
      throw FhirException.notFound(current.type(), current.id());
    }
  }

  /**
   * A 412 unless the request's If-Match, if any, names the current version, or is {@code *} and the resource exists
   * (not deleted). A write that races another under {@code *} is prepared again, as without If-Match.
   */
  static void checkIfMatch(FhirRequest request, String type, String id, ResourceVersion current) {
    if (request.ifNoneMatchRefuses(current)) {
      throw FhirException.preconditionFailed("If-None-Match " + request.header("If-None-Match").trim() + " refuses"
          + " the write: " + type + "/" + id + " exists at version " + current.version() + ".");
    }
    if (request.ifMatchAny() && (current == null || current.deleted())) {
      throw FhirException.preconditionFailed("If-Match: * requires that " + type + "/" + id + " exists, and it "
          + (current == null ? "never did." : "is deleted."));
    }
    Integer ifMatch = request.ifMatch();
    if (ifMatch != null && (current == null || current.version() != ifMatch)) {
      throw FhirException.preconditionFailed("If-Match names version " + ifMatch + " but the current version of "
          + type + "/" + id + " is " + (current == null ? "none" : current.version()) + ".");
    }
  }

  /** A write that named a version (If-Match) and lost a race to another writer. */
  static FhirException changedSince(VersionConflictException e) {
    return FhirException.preconditionFailed("Resource " + e.type() + "/" + e.id()
        + " was changed by another request after the version named in If-Match.");
  }

  /** A write that lost the race to other writers on every attempt. */
  static FhirException tooBusy(VersionConflictException e) {
    return FhirException.conflict("Resource " + e.type() + "/" + e.id()
        + " is being changed by too many requests at once; retry.");
  }
}
