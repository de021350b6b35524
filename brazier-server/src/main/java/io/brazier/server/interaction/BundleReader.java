package io.brazier.server.interaction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.server.http.FhirRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * Reads the Bundle of a batch or transaction in one pass. When the strict parser rejects it, the entries are parsed
 * one by one to find which ones are broken, so that the error names the entry ({@code Bundle.entry[3]}) and a batch
 * can still run its good entries.
 */
final class BundleReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Fhir fhir;

  BundleReader(Fhir fhir) {
    this.fhir = fhir;
  }

  /** A parsed bundle; {@code failures} holds, by index, the entries that could not be parsed (left empty). */
  record Read(Bundle bundle, Map<Integer, FhirException> failures) {}

  Read read(FhirRequest request) {
    Resource resource;
    try {
      resource = fhir.parse(request.bodyFormat(), new ByteArrayInputStream(request.body()));
    } catch (FhirException e) {
      if (request.bodyFormat() != Format.JSON) {
        throw e;
      }
      return entryByEntry(request.body(), e);
    }
    if (!(resource instanceof Bundle bundle)) {
      throw FhirException.badRequest("POST to the base takes a Bundle of type batch or transaction, not a "
          + resource.fhirType() + ".");
    }
    return new Read(bundle, Map.of());
  }

  private Read entryByEntry(byte[] body, FhirException whole) {
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (IOException e) {
      throw whole;
    }
    if (!(tree instanceof ObjectNode root) || !(root.get("entry") instanceof ArrayNode entries)) {
      throw whole;
    }
    Map<Integer, FhirException> failures = new TreeMap<>();
    ObjectNode shell = root.deepCopy().without("entry");
    for (int i = 0; i < entries.size(); i++) {
      shell.putArray("entry").add(entries.get(i));
      try {
        fhir.parse(Format.JSON, new ByteArrayInputStream(shell.toString().getBytes(StandardCharsets.UTF_8)));
      } catch (FhirException e) {
        failures.put(i, e.at(Entry.expression(i)));
        entries.set(i, JSON.createObjectNode());
      }
    }
    if (failures.isEmpty()) {
      throw whole;
    }
    try {
      Bundle bundle = (Bundle) fhir.parse(Format.JSON, new ByteArrayInputStream(JSON.writeValueAsBytes(root)));
      return new Read(bundle, failures);
    } catch (FhirException | JsonProcessingException e) {
      // The rest of the bundle is broken too: the first broken entry is the answer.
      throw failures.values().iterator().next();
    }
  }
}
