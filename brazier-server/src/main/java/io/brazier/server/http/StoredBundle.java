package io.brazier.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.brazier.fhir.Fhir;
import io.brazier.server.export.Elements;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * A Bundle whose entries' resources are stored JSON: {@code resources.get(i)} is the resource of entry i, or null
 * when that entry has none (a deletion). As plain JSON the stored bytes are spliced into the encoded bundle without
 * being parsed, which keeps a page of a thousand versions cheap; any other rendering parses them.
 */
public record StoredBundle(Bundle bundle, List<byte[]> resources) {
  // Exact decimals: the bundle's own numbers (a search score, say) pass through unchanged.
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  public StoredBundle {
    if (bundle.getEntry().size() != resources.size()) {
      throw new IllegalArgumentException("a bundle of " + bundle.getEntry().size() + " entries with "
          + resources.size() + " resources");
    }
  }

  /**
   * The bundle as JSON, each stored resource spliced in right after its entry's fullUrl, as FHIR orders them: whole,
   * or cut to {@code elements} (null: whole).
   */
  byte[] json(Fhir fhir, Elements elements) {
    try {
      ObjectNode tree = (ObjectNode) JSON.readTree(fhir.jsonParser().encodeResourceToString(bundle));
      JsonNode entries = tree.path("entry");
      for (int i = 0; i < resources.size(); i++) {
        if (resources.get(i) != null) {
          byte[] resource = elements == null ? resources.get(i) : elements.apply(resources.get(i));
          ((ArrayNode) entries).set(i, withResource((ObjectNode) entries.get(i), resource));
        }
      }
      return JSON.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("HAPI encoded a bundle that is not JSON", e);
    }
  }

  private static ObjectNode withResource(ObjectNode entry, byte[] resource) {
    ObjectNode spliced = JSON.createObjectNode();
    RawValue raw = new RawValue(new String(resource, StandardCharsets.UTF_8));
    for (Map.Entry<String, JsonNode> field : entry.properties()) {
      spliced.set(field.getKey(), field.getValue());
      if (field.getKey().equals("fullUrl")) {
        spliced.putRawValue("resource", raw);
      }
    }
    if (!spliced.has("resource")) {
      spliced.putRawValue("resource", raw);
    }
    return spliced;
  }

  /** The bundle with every stored resource parsed into its entry, for the renderings that need the model. */
  public Bundle parsed(Fhir fhir) {
    Bundle copy = bundle.copy();
    for (int i = 0; i < resources.size(); i++) {
      if (resources.get(i) != null) {
        copy.getEntry().get(i).setResource((Resource) fhir.jsonParser()
            .parseResource(new String(resources.get(i), StandardCharsets.UTF_8)));
      }
    }
    return copy;
  }
}
