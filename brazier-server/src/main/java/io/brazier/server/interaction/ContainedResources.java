package io.brazier.server.interaction;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.brazier.client.Jackson;
import io.brazier.store.ResourceVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The contained resources of a stored container, as entries of their own for {@code _containedType=contained}.
 * https://hl7.org/fhir/R4/search.html#contained
 */
final class ContainedResources {
  // Exact decimals: a contained resource's numbers pass through as stored.
  private static final ObjectMapper JSON = Jackson.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
      .build();

  /**
   * A contained resource and its entry's fullUrl below the base. R4 leaves that fullUrl open; we chose the
   * container's URL with the local id as its fragment, [base]/[ContainerType]/[id]#[containedId], which is how a
   * reference from inside the container names it (https://hl7.org/fhir/R4/references.html#contained) and what
   * later versions of FHIR settled on.
   */
  record Contained(String fullUrl, byte[] json) {}

  private ContainedResources() {}

  /** The resources of {@code types} contained in {@code container}, in their order there. */
  static List<Contained> of(ResourceVersion container, List<String> types) {
    List<Contained> found = new ArrayList<>();
    try {
      for (JsonNode resource : JSON.readTree(container.json()).path("contained")) {
        if (types.contains(resource.path("resourceType").asText())) {
          String id = resource.path("id").asText();
          found.add(new Contained("/" + container.type() + "/" + container.id() + "#" + id,
              JSON.writeValueAsBytes(resource)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("A stored resource is not JSON: " + container.type() + "/" + container.id(), e);
    }
    return found;
  }
}
