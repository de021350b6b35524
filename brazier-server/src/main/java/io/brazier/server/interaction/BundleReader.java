package io.brazier.server.interaction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.server.http.FhirRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * Reads the Bundle of a batch or transaction. A JSON bundle is read as one tree, then its resources are parsed one by
 * one, in parallel: a large transaction uses every core even when it is the only request, and each parse error
 * belongs to one entry, so the error names it ({@code Bundle.entry[3]}) and a batch still runs its good entries.
 */
final class BundleReader {
  /** HAPI's own settings for JSON (exact decimals, no trailing tokens), so that the tree parses as a body would. */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();

  private final Fhir fhir;

  BundleReader(Fhir fhir) {
    this.fhir = fhir;
  }

  /** A parsed bundle; {@code failures} holds, by index, the entries that could not be parsed (left empty). */
  record Read(Bundle bundle, Map<Integer, FhirException> failures) {}

  /** Reads the bundle; more than {@code maxEntries} entries is a 413 before any resource is parsed. */
  Read read(FhirRequest request, int maxEntries) {
    if (request.bodyFormat() != Format.JSON) {
      Bundle bundle = bundle(fhir.parse(request.bodyFormat(), new ByteArrayInputStream(request.body())));
      checkSize(bundle.getEntry().size(), maxEntries);
      return new Read(bundle, Map.of());
    }
    ObjectNode root = tree(request.body());
    if (!"Bundle".equals(root.path("resourceType").asText())) {
      bundle(fhir.parse(root));
    }
    ArrayNode entries = root.path("entry") instanceof ArrayNode array ? array : JSON.createArrayNode();
    checkSize(entries.size(), maxEntries);
    List<JsonNode> resources = new ArrayList<>(entries.size());
    for (JsonNode entry : entries) {
      resources.add(entry instanceof ObjectNode object ? object.remove("resource") : null);
    }
    Map<Integer, FhirException> failures = new ConcurrentHashMap<>();
    Bundle bundle = shell(root, entries, failures);
    IntStream.range(0, resources.size()).parallel().forEach(i -> {
      JsonNode resource = resources.set(i, null);
      if (resource == null || failures.containsKey(i)) {
        return;
      }
      try {
        if (!(resource instanceof ObjectNode object)) {
          throw FhirException.invalid("The entry's resource is not a JSON object.");
        }
        bundle.getEntry().get(i).setResource(fhir.parse(object));
      } catch (FhirException e) {
        failures.put(i, e.at(Entry.expression(i)));
      }
    });
    return new Read(bundle, new TreeMap<>(failures));
  }

  private static ObjectNode tree(byte[] body) {
    try {
      if (JSON.readTree(body) instanceof ObjectNode root) {
        return root;
      }
      throw FhirException.invalid("The body is not a JSON object.");
    } catch (JsonProcessingException e) {
      throw FhirException.invalid("The body is not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")") + ".");
    } catch (IOException e) {
      throw FhirException.badRequest("The body could not be read: " + e.getMessage());
    }
  }

  private static Bundle bundle(Resource resource) {
    if (resource instanceof Bundle bundle) {
      return bundle;
    }
    throw FhirException.badRequest("POST to the base takes a Bundle of type batch or transaction, not a "
        + resource.fhirType() + ".");
  }

  private static void checkSize(int entries, int maxEntries) {
    if (entries > maxEntries) {
      throw FhirException.tooLarge("The bundle has " + entries + " entries; this server takes at most " + maxEntries
          + " in one batch or transaction (--bundle-max-entries).");
    }
  }

  /**
   * The bundle without its resources. When the strict parser rejects it, each entry is parsed alone to find the
   * broken ones, which are emptied and recorded in {@code failures}.
   */
  private Bundle shell(ObjectNode root, ArrayNode entries, Map<Integer, FhirException> failures) {
    try {
      return bundle(fhir.parse(root));
    } catch (FhirException whole) {
      ObjectNode single = root.deepCopy().without("entry");
      for (int i = 0; i < entries.size(); i++) {
        single.putArray("entry").add(entries.get(i));
        try {
          fhir.parse(single);
        } catch (FhirException e) {
          failures.put(i, e.at(Entry.expression(i)));
          entries.set(i, JSON.createObjectNode());
        }
      }
      if (failures.isEmpty()) {
        throw whole;
      }
      return bundle(fhir.parse(root));
    }
  }
}
