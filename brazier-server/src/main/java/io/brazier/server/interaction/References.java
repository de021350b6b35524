package io.brazier.server.interaction;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.References.Relative;
import io.brazier.server.Restriction;
import io.brazier.store.Store;
import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * How references inside written resources are resolved and checked, for the whole server. A conditional reference
 * ({@code Practitioner?identifier=...}) becomes the one resource it matches; several matches are a 412, none a 400
 * unless placeholders are on. With {@code enforce} (the default) a local reference to a resource that does not exist
 * fails the write with 400; otherwise it is stored as it is. Under a restriction, what lies outside it does not
 * exist for either. Each commit collects its references in its own {@link Links}.
 * https://hl7.org/fhir/R4/references.html
 */
public final class References {
  private final Fhir fhir;
  private final Store store;
  private final Reachable reachable;
  private final Conditions conditions;
  private final Placeholders placeholders;
  private final boolean enforce;
  private final boolean makePlaceholders;

  /**
   * @param enforce a local reference to a resource that does not exist fails the write; otherwise it is stored
   * @param makePlaceholders a reference that names nothing gets a placeholder resource instead of failing the write
   */
  public References(Fhir fhir, Store store, Reachable reachable, Conditions conditions, Writes writes,
      boolean enforce, boolean makePlaceholders) {
    this.fhir = fhir;
    this.store = store;
    this.reachable = reachable;
    this.conditions = conditions;
    this.placeholders = new Placeholders(fhir, store, writes);
    this.enforce = enforce;
    this.makePlaceholders = makePlaceholders;
  }

  /** The references of one commit (a single write's, or a whole transaction's) within {@code restriction}. */
  public Links open(String baseUrl, Restriction restriction) {
    return new Links(this, fhir, baseUrl, restriction, Links.Context.own());
  }

  /** The references of one commit among many that share a context: one line of a bulk import. */
  public Links open(String baseUrl, Restriction restriction, Links.Context context) {
    return new Links(this, fhir, baseUrl, restriction, context);
  }

  /** {@code Type/id} of a relative reference to a resource of a known type (versioned or not), or null. */
  String local(String reference) {
    Relative relative = io.brazier.fhir.search.References.relative(reference);
    if (relative == null || !fhir.isResourceType(relative.type())) {
      return null;
    }
    return relative.version() == null ? reference : relative.type() + "/" + relative.id();
  }

  /** Whether a local reference to a resource that does not exist fails the write (--referential-integrity). */
  public boolean enforced() {
    return enforce;
  }

  /** Whether a reference that names nothing gets a placeholder (--missing-references=placeholder). */
  public boolean makesPlaceholders() {
    return makePlaceholders;
  }

  /**
   * A placeholder for the local reference {@code Type/id}, added to {@code created} (unless one is stored): for a
   * reference that names nothing, with placeholders on.
   */
  public void placeholder(String reference, Map<String, Write> created) {
    placeholders.forReference(reference, created);
  }

  /**
   * The {@code Type/id} a conditional reference names: the one stored or {@code pending} (written by the same
   * commit) resource that matches, or a new placeholder added to {@code created}.
   */
  String conditional(String reference, Collection<String> pending, Map<String, Write> created,
      Restriction restriction) {
    int question = reference.indexOf('?');
    String type = reference.substring(0, question);
    String query = reference.substring(question + 1);
    if (!fhir.isResourceType(type)) {
      throw FhirException.badRequest("The conditional reference '" + reference + "' names no resource type.");
    }
    Set<String> ids = new LinkedHashSet<>(conditions.matches(type, query, 1, restriction));
    ids.addAll(pending);
    if (ids.size() > 1) {
      throw FhirException.preconditionFailed("The conditional reference '" + reference + "' matches "
          + ids.size() + " " + type + " resources; it must match exactly one.");
    }
    if (!ids.isEmpty()) {
      return type + "/" + ids.iterator().next();
    }
    if (!makePlaceholders) {
      throw new FhirException(400, IssueType.NOTFOUND, "The conditional reference '" + reference
          + "' matches no " + type + ".");
    }
    return placeholders.forCriteria(type, query, reference, created);
  }

  /**
   * The references of a commit that name no resource: neither stored (and not deleted) nor written live by
   * {@code writes}. With placeholders on, each missing local reference gets one, added to {@code created}, instead.
   *
   * @param required {@code Type/id} of every local reference, each with the entry it is in
   */
  List<Missing> missing(Map<String, Integer> required, List<Write> writes, Map<String, Write> created,
      Restriction restriction) {
    Set<String> live = new HashSet<>();
    Set<String> deleted = new HashSet<>();
    for (Write write : writes) {
      (write.deleted() ? deleted : live).add(write.type() + "/" + write.id());
    }
    live.addAll(created.keySet());
    List<String> unknown = new ArrayList<>();
    for (String reference : required.keySet()) {
      if (!live.contains(reference)) {
        unknown.add(reference);
      }
    }
    Set<String> existing = store.existing(unknown);
    Set<String> stored = reachable.reached(restriction, existing);
    List<Missing> missing = new ArrayList<>();
    for (String reference : unknown) {
      if (stored.contains(reference) && !deleted.contains(reference)) {
        continue;
      }
      // A resource outside the restriction gets no placeholder: it cannot be written anyway.
      if (makePlaceholders && !deleted.contains(reference) && !existing.contains(reference)) {
        try {
          placeholders.forReference(reference, created);
        } catch (FhirException e) {
          missing.add(new Missing(required.get(reference), reference, e));
        }
      } else {
        missing.add(new Missing(required.get(reference), reference));
      }
    }
    return missing;
  }

  /** Which of these {@code Type/id} are stored and not deleted. */
  Set<String> stored(Collection<String> resources) {
    return store.existing(resources);
  }

  /**
   * A reference to nothing, in the entry {@code owner} (-1 outside a bundle); {@code noPlaceholder} says why no
   * placeholder could stand in for it, when one was wanted.
   */
  record Missing(int owner, String reference, FhirException noPlaceholder) {

    Missing(int owner, String reference) {
      this(owner, reference, null);
    }

    FhirException failure() {
      return noPlaceholder != null ? noPlaceholder : new FhirException(400, IssueType.NOTFOUND, "The reference " + reference
          + " names no resource on this server" + (reference.startsWith("urn:") ? " nor in this bundle." : "."));
    }
  }
}
