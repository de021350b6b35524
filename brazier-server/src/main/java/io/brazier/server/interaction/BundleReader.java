package io.brazier.server.interaction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.Numbers;
import io.brazier.server.http.Body;
import io.brazier.server.FhirRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Resource;

/**
 * Reads the Bundle of a batch or transaction. A JSON bundle is read as one tree and its resources stay trees: each is
 * parsed when its entry is prepared, in parallel with the others, so a large transaction uses every core, and each
 * parse error belongs to one entry, which the error names ({@code Bundle.entry[3]}) while a batch runs the others.
 */
final class BundleReader {
  private final Fhir fhir;
  private final Bodies bodies;

  BundleReader(Fhir fhir, Bodies bodies) {
    this.fhir = fhir;
    this.bodies = bodies;
  }

  /**
   * A read bundle: its entries (without resources), each entry's resource body (null when it has none) and, by
   * index, the entries that could not be read.
   */
  record Read(Bundle bundle, List<Body> bodies, Map<Integer, FhirException> failures) {}

  /** Reads the bundle; more than {@code maxEntries} entries is a 413 before any entry is looked at. */
  Read read(FhirRequest request, int maxEntries) {
    if (request.bodyFormat() != Format.JSON) {
      Bundle bundle = bundle(fhir.parse(request.bodyFormat(), request.body()));
      checkSize(bundle.getEntry().size(), maxEntries);
      List<Body> resources = new ArrayList<>();
      Map<Integer, FhirException> failures = new TreeMap<>();
      for (BundleEntryComponent entry : bundle.getEntry()) {
        try {
          resources.add(entry.hasResource() ? checked(entry.getResource()) : null);
        } catch (FhirException e) {
          failures.put(resources.size(), e.at(Entry.expression(resources.size())));
          resources.add(null);
        }
      }
      return new Read(bundle, resources, failures);
    }
    Numbers.check(request.body(), Format.JSON);
    if (!(Body.read(request.body()) instanceof ObjectNode root)) {
      throw FhirException.invalid("The body is not a JSON object.");
    }
    if (!"Bundle".equals(root.path("resourceType").asText())) {
      bundle(fhir.parse(root));
    }
    ArrayNode entries = root.path("entry") instanceof ArrayNode array ? array : Body.emptyObject().arrayNode();
    checkSize(entries.size(), maxEntries);
    Map<Integer, FhirException> failures = new TreeMap<>();
    List<Body> resources = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      JsonNode resource = entries.get(i) instanceof ObjectNode entry ? entry.remove("resource") : null;
      if (resource != null && !(resource instanceof ObjectNode && resource.path("resourceType").isTextual())) {
        failures.put(i, FhirException.invalid("The entry's resource is not a JSON object with a resourceType.")
            .at(Entry.expression(i)));
      }
      resources.add(resource instanceof ObjectNode object ? bodies.tree(object, "entry") : null);
    }
    return new Read(shell(root, entries, failures), resources, failures);
  }

  private Body checked(Resource resource) {
    bodies.check(resource);
    return Body.of(resource);
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
          entries.set(i, Body.emptyObject());
        }
      }
      if (failures.isEmpty()) {
        throw whole;
      }
      return bundle(fhir.parse(root));
    }
  }
}
