package io.brazier.server.interaction;

import io.brazier.fhir.Fhir;
import io.brazier.server.interaction.References.Missing;
import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * The references of one commit: a single write, or every entry of a transaction. It rewrites references to the
 * entries' {@code fullUrl}s (in elements, extensions, contained resources, uri elements and narrative links) to the
 * {@code Type/id} each entry gets, resolves conditional references once per commit (a Synthea bundle repeats the same
 * {@code Practitioner?identifier=...} thousands of times), and collects the local references, which are all checked
 * with one query before the commit. https://hl7.org/fhir/R4/bundle.html#references
 */
public final class Links {
  private final References references;
  private final Fhir fhir;
  private final String ownBase;
  private final Map<String, String> aliases = new HashMap<>();
  private final Map<String, Set<String>> identified = new HashMap<>();
  private final Map<String, String> conditional = new HashMap<>();
  private final Map<String, Write> placeholders = new LinkedHashMap<>();
  private final Map<String, Integer> required = new LinkedHashMap<>();
  private final List<Missing> unresolved = new ArrayList<>();
  private int owner = -1;
  private String entryBase;

  Links(References references, Fhir fhir, String baseUrl) {
    this.references = references;
    this.fhir = fhir;
    this.ownBase = baseUrl + "/";
  }

  /**
   * Declares that the entry with this {@code fullUrl} writes {@code Type/id}: references to the fullUrl become
   * references to it, and conditional references on its identifiers find it.
   */
  public void alias(String fullUrl, String type, String id, Resource resource) {
    if (fullUrl != null && !fullUrl.isBlank()) {
      aliases.put(fullUrl, type + "/" + id);
    }
    if (resource != null) {
      for (String identifier : references.identifiers(resource)) {
        identified.computeIfAbsent(type + "?" + identifier, key -> new LinkedHashSet<>()).add(id);
      }
    }
  }

  /** The bundle entry whose resource is resolved next: errors name it, and its fullUrl's base resolves references. */
  public Links at(int index, String fullUrl) {
    this.owner = index;
    int cut = fullUrl == null || !fullUrl.startsWith("http") ? -1 : baseEnd(fullUrl);
    this.entryBase = cut < 0 ? null : fullUrl.substring(0, cut);
    return this;
  }

  /** Rewrites the resource's references in place, and remembers the local ones to check. */
  public void resolve(Resource resource) {
    fhir.context().newTerser().visit(resource, (root, element, path, child, definition) -> {
      if (element instanceof Reference reference) {
        reference(reference);
      } else if (element instanceof UriType uri && !(element instanceof IdType) && uri.hasValue()) {
        String target = aliases.get(uri.getValue());
        if (target != null) {
          uri.setValue(target);
        }
      } else if (element instanceof Narrative narrative && narrative.getDiv() != null && !aliases.isEmpty()) {
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
    String target = aliases.get(value);
    if (target == null && entryBase != null && !value.contains(":")) {
      target = aliases.get(entryBase + value);
    }
    if (target == null && value.startsWith(ownBase)) {
      target = value.substring(ownBase.length());
    }
    if (target == null && isConditional(value)) {
      target = conditional.get(value);
      if (target == null) {
        target = references.conditional(value, pending(value), placeholders);
        conditional.put(value, target);
      }
      reference.setReference(target);
      return;
    }
    if (target != null) {
      reference.setReference(target);
      value = target;
    }
    String local = references.local(value);
    if (!references.enforced()) {
      return;
    }
    if (local != null) {
      required.putIfAbsent(local, owner);
    } else if (owner >= 0 && (value.startsWith("urn:uuid:") || value.startsWith("urn:oid:"))) {
      unresolved.add(new Missing(owner, value));
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
    return identified.getOrDefault(reference.substring(0, question) + "?" + identifier.get(0), Set.of());
  }

  private void narrativeLinks(XhtmlNode node) {
    String attribute = "a".equals(node.getName()) ? "href" : "img".equals(node.getName()) ? "src" : null;
    if (attribute != null) {
      String target = aliases.get(node.getAttribute(attribute));
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
   * The references that name no resource, given every version this commit writes; with placeholders on, the
   * missing local ones get placeholders instead (see {@link #placeholders()}). One query for the whole commit.
   */
  public List<Missing> missing(List<Write> writes) {
    List<Missing> missing = new ArrayList<>(unresolved);
    missing.addAll(references.missing(required, writes, placeholders));
    return missing;
  }

  /** The placeholder resources this commit must also write. */
  public List<Write> placeholders() {
    return new ArrayList<>(placeholders.values());
  }

  /** Forgets what a failed attempt collected; the rewritten references stay, so they are checked again. */
  public void retry() {
    required.clear();
    unresolved.clear();
    placeholders.keySet().removeAll(references.stored(placeholders.keySet()));
  }

  /** Where {@code [base]} ends in an absolute {@code [base]/Type/id}, or -1. */
  private static int baseEnd(String fullUrl) {
    int idSlash = fullUrl.lastIndexOf('/');
    int typeSlash = idSlash > 0 ? fullUrl.lastIndexOf('/', idSlash - 1) : -1;
    return typeSlash < 0 ? -1 : typeSlash + 1;
  }
}
