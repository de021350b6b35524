package io.brazier.server.interaction;

import io.brazier.fhir.Fhir;
import io.brazier.server.interaction.References.Missing;
import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * The references of one commit: a single write, or every entry of a transaction. It rewrites references to the
 * entries' {@code fullUrl}s (in elements, extensions, contained resources, uri elements and narrative links) to the
 * {@code Type/id} each entry gets, resolves each conditional reference once per commit (a Synthea bundle repeats the
 * same {@code Practitioner?identifier=...} thousands of times), and collects the local references, which are all
 * checked with one query before the commit. Entries may be resolved in parallel, each through its own view
 * ({@link #at}). https://hl7.org/fhir/R4/bundle.html#references
 */
public final class Links {
  private final Shared shared;
  private final int owner;
  private final String entryBase;

  /** What all views of one commit share: aliases are declared first, the rest fills up concurrently. */
  private static final class Shared {
    final References references;
    final Fhir fhir;
    final String ownBase;
    final Map<String, String> aliases = new HashMap<>();
    final Map<String, Set<String>> identified = new HashMap<>();
    final Map<String, String> conditional = new ConcurrentHashMap<>();
    final Map<String, Write> placeholders = new ConcurrentHashMap<>();
    final Map<String, Integer> required = new ConcurrentHashMap<>();
    final Queue<Missing> unresolved = new ConcurrentLinkedQueue<>();

    Shared(References references, Fhir fhir, String baseUrl) {
      this.references = references;
      this.fhir = fhir;
      this.ownBase = baseUrl + "/";
    }
  }

  Links(References references, Fhir fhir, String baseUrl) {
    this(new Shared(references, fhir, baseUrl), -1, null);
  }

  private Links(Shared shared, int owner, String entryBase) {
    this.shared = shared;
    this.owner = owner;
    this.entryBase = entryBase;
  }

  /**
   * Declares that the entry with this {@code fullUrl} writes {@code Type/id}: references to the fullUrl become
   * references to it, and conditional references on its identifiers find it. Call before any {@link #resolve}.
   */
  public void alias(String fullUrl, String type, String id, Resource resource) {
    if (fullUrl != null && !fullUrl.isBlank()) {
      shared.aliases.put(fullUrl, type + "/" + id);
    }
    if (resource != null) {
      for (String identifier : shared.references.identifiers(resource)) {
        shared.identified.computeIfAbsent(type + "?" + identifier, key -> new LinkedHashSet<>()).add(id);
      }
    }
  }

  /** The view for one bundle entry: errors name it, and its fullUrl's base resolves relative references. */
  public Links at(int index, String fullUrl) {
    int cut = fullUrl == null || !fullUrl.startsWith("http") ? -1 : baseEnd(fullUrl);
    return new Links(shared, index, cut < 0 ? null : fullUrl.substring(0, cut));
  }

  /** Rewrites the resource's references in place, and remembers the local ones to check. */
  public void resolve(Resource resource) {
    shared.fhir.context().newTerser().visit(resource, (root, element, path, child, definition) -> {
      if (element instanceof Reference reference) {
        reference(reference);
      } else if (element instanceof UriType uri && !(element instanceof IdType) && uri.hasValue()) {
        String target = shared.aliases.get(uri.getValue());
        if (target != null) {
          uri.setValue(target);
        }
      } else if (element instanceof Narrative narrative && narrative.getDiv() != null
          && !shared.aliases.isEmpty()) {
        narrativeLinks(narrative.getDiv());
      }
    });
  }

  private void reference(Reference reference) {
    // The parser links references to the bundle's resources; an encoder would contain a linked resource.
    reference.setResource(null);
    String value = reference.getReference();
    if (value == null || value.isEmpty() || value.startsWith("#")) {
      return;
    }
    String target = shared.aliases.get(value);
    if (target == null && entryBase != null && !value.contains(":")) {
      target = shared.aliases.get(entryBase + value);
    }
    if (target == null && value.startsWith(shared.ownBase)) {
      target = value.substring(shared.ownBase.length());
    }
    if (target == null && isConditional(value)) {
      reference.setReference(shared.conditional.computeIfAbsent(value,
          key -> shared.references.conditional(key, pending(key), shared.placeholders)));
      return;
    }
    if (target != null) {
      reference.setReference(target);
      value = target;
    }
    if (!shared.references.enforced()) {
      return;
    }
    String local = shared.references.local(value);
    if (local != null) {
      shared.required.merge(local, owner, Math::min);
    } else if (owner >= 0 && (value.startsWith("urn:uuid:") || value.startsWith("urn:oid:"))) {
      shared.unresolved.add(new Missing(owner, value));
    }
  }

  private static boolean isConditional(String value) {
    int question = value.indexOf('?');
    int slash = value.indexOf('/');
    return question > 0 && (slash < 0 || slash > question);
  }

  /** Resources of this transaction that a conditional reference on one identifier matches. */
  private Collection<String> pending(String reference) {
    int question = reference.indexOf('?');
    Map<String, List<String>> criteria = Queries.parse(reference.substring(question + 1));
    List<String> identifier = criteria.get("identifier");
    if (criteria.size() != 1 || identifier == null || identifier.size() != 1) {
      return List.of();
    }
    return shared.identified.getOrDefault(reference.substring(0, question) + "?" + identifier.get(0), Set.of());
  }

  private void narrativeLinks(XhtmlNode node) {
    String attribute = "a".equals(node.getName()) ? "href" : "img".equals(node.getName()) ? "src" : null;
    if (attribute != null) {
      String target = shared.aliases.get(node.getAttribute(attribute));
      if (target != null) {
        node.setAttribute(attribute, target);
      }
    }
    if (node.hasChildren()) {
      for (XhtmlNode child : node.getChildNodes()) {
        narrativeLinks(child);
      }
    }
  }

  /**
   * The references that name no resource, the first entry's first, given every version this commit writes; with
   * placeholders on, the missing local ones get placeholders instead (see {@link #placeholders()}). One query.
   */
  public List<Missing> missing(List<Write> writes) {
    List<Missing> missing = new ArrayList<>(shared.unresolved);
    missing.addAll(shared.references.missing(shared.required, writes, shared.placeholders));
    missing.sort(Comparator.comparingInt(Missing::owner));
    return missing;
  }

  /** The placeholder resources this commit must also write. */
  public List<Write> placeholders() {
    return new ArrayList<>(shared.placeholders.values());
  }

  /** Forgets what a failed attempt collected; the rewritten references stay, so they are checked again. */
  public void retry() {
    shared.required.clear();
    shared.unresolved.clear();
    shared.placeholders.keySet().removeAll(shared.references.stored(shared.placeholders.keySet()));
  }

  /** Where {@code [base]} ends in an absolute {@code [base]/Type/id}, or -1. */
  private static int baseEnd(String fullUrl) {
    int idSlash = fullUrl.lastIndexOf('/');
    int typeSlash = idSlash > 0 ? fullUrl.lastIndexOf('/', idSlash - 1) : -1;
    return typeSlash < 0 ? -1 : typeSlash + 1;
  }
}
