package io.brazier.server.interaction;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.RequiredElements;
import io.brazier.server.http.Body;
import io.brazier.server.http.Queries;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Placeholder resources, made with {@code --missing-references=placeholder} for references to resources that were
 * never loaded, as HAPI's auto-created placeholders are: a resource of the referenced type with the referenced id or
 * the identifier the reference searched for, tagged {@value #TAG_SYSTEM}|{@value #TAG_CODE} so that they can be found
 * and completed later, and nothing else but data-absent-reason {@code unknown} on each element its type requires. A
 * placeholder for criteria gets an id derived from them, so concurrent writers that need the same placeholder write
 * the same resource: one commits, the other retries and finds it.
 */
final class Placeholders {
  static final String TAG_SYSTEM = "https://brazier.io/fhir/tag";
  static final String TAG_CODE = "placeholder";

  private final Fhir fhir;
  private final RequiredElements required;
  private final Store store;
  private final Writes writes;

  Placeholders(Fhir fhir, Store store, Writes writes) {
    this.fhir = fhir;
    this.required = new RequiredElements(fhir);
    this.store = store;
    this.writes = writes;
  }

  /**
   * A placeholder that the conditional reference {@code Type?identifier=system|value} will match, added to
   * {@code created}; its {@code Type/id}.
   */
  String forCriteria(String type, String query, String reference, Map<String, Write> created) {
    Map<String, List<String>> criteria = Queries.parse(query);
    List<String> tokens = criteria.get("identifier");
    BaseRuntimeChildDefinition child = fhir.definition(type).getChildByName("identifier");
    if (criteria.size() != 1 || tokens == null || tokens.size() != 1 || tokens.get(0).contains(",")
        || child == null) {
      throw FhirException.badRequest("The conditional reference '" + reference + "' matches no " + type
          + ", and a placeholder can only stand in for a single identifier=system|value.");
    }
    String token = tokens.get(0);
    int bar = token.indexOf('|');
    Identifier identifier = new Identifier().setValue(bar < 0 ? token : token.substring(bar + 1));
    if (bar > 0) {
      identifier.setSystem(token.substring(0, bar));
    }
    Resource placeholder = empty(type);
    child.getMutator().addValue(placeholder, identifier);
    return add(placeholder, type, "ph-" + digest(type + "?identifier=" + token), created);
  }

  /** A placeholder for the local reference {@code Type/id}, added to {@code created}. */
  void forReference(String reference, Map<String, Write> created) {
    int slash = reference.indexOf('/');
    String type = reference.substring(0, slash);
    add(empty(type), type, reference.substring(slash + 1), created);
  }

  /** Whether the version is a placeholder, ours or a loader's (tagged as ours), still waiting for its resource. */
  static boolean isPlaceholder(ResourceVersion version) {
    for (JsonNode tag : Body.read(version.json()).path("meta").path("tag")) {
      if (tag.path("system").asText().equals(TAG_SYSTEM) && tag.path("code").asText().equals(TAG_CODE)) {
        return true;
      }
    }
    return false;
  }

  private Resource empty(String type) {
    Resource resource = (Resource) fhir.definition(type).newInstance();
    resource.getMeta().addTag(TAG_SYSTEM, TAG_CODE, "Placeholder for a referenced resource that was not loaded");
    required.markAbsent(resource);
    return resource;
  }

  private String add(Resource placeholder, String type, String id, Map<String, Write> created) {
    String reference = type + "/" + id;
    ResourceVersion current = store.current(type, id).orElse(null);
    // Another writer may have stored it since we looked; a deleted one is replaced by a new version.
    if (current == null || current.deleted()) {
      try {
        created.put(reference, writes.next(placeholder, id, current, null));
      } catch (FhirException e) {
        // A type with rules beyond its required elements (a SearchParameter must be usable for search).
        throw new FhirException(e.status(), IssueType.NOTFOUND, "The reference " + reference + " names no resource"
            + " on this server, and no placeholder can stand in for it: " + e.getMessage());
      }
    }
    return reference;
  }

  private static String digest(String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
