package io.brazier.proxy.isolation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.fhir.search.Compartments;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.Restriction;
import java.util.Set;

/**
 * Whether a resource the proxy sees (in an answer of the server behind it, or in a caller's write) lies within a
 * {@link Restriction}: the compartments it is in are those of R4's CompartmentDefinitions ({@link Compartments}),
 * found from its own references by the index the server would extract from it, so the proxy decides as the server
 * does in {@code serve --auth}. Resources of types without members in the compartment are not restricted.
 */
final class Membership {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  private final FhirSearch search;

  Membership(FhirSearch search) {
    this.search = search;
  }

  /** Whether resources of {@code type} can lie outside {@code restriction}. */
  boolean restricts(Restriction restriction, String type) {
    return search.compartments().hasMembers(restriction.compartment(), type);
  }

  /** Whether {@code resource} (FHIR JSON) may be read under {@code restriction}. */
  boolean reaches(Restriction restriction, JsonNode resource) {
    String type = resource.path("resourceType").asText();
    return !restricts(restriction, type) || restriction.reaches(owners(restriction, type, resource));
  }

  /** Whether {@code resource} may be stored under {@code restriction}: reachable, and in no other compartment. */
  boolean admits(Restriction restriction, JsonNode resource) {
    String type = resource.path("resourceType").asText();
    return !restricts(restriction, type) || restriction.admits(owners(restriction, type, resource));
  }

  private Set<String> owners(Restriction restriction, String type, JsonNode resource) {
    try {
      // A resource to create has no id yet: it will be no patient the caller already reaches.
      String id = resource.path("id").asText("");
      return search.compartments().owners(restriction.compartment(), type, id,
          search.index(JSON.writeValueAsBytes(resource)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A JSON tree is written as JSON", e);
    }
  }
}
