package io.brazier.proxy.access;

import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.http.StoredBundle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.IdType;

/**
 * Leaves out of a search's page the included resources ({@code _include}, {@code _revinclude}, {@code *} spelt out
 * by the server) that the caller may not read: of a type it has no read right on, or outside its granular scopes.
 * Includes are not counted in {@code total}, so leaving them out discloses nothing.
 */
final class IncludedEntries {
  private final GranularMatch granular;

  IncludedEntries(GranularMatch granular) {
    this.granular = granular;
  }

  FhirResponse filter(FhirRequest request, FhirResponse response, Rights rights) {
    StoredBundle page = response.bundle();
    if (page == null) {
      return response;
    }
    Map<String, Set<String>> readable = readableIncludes(request, page.bundle(), rights);
    List<Integer> kept = new ArrayList<>();
    List<BundleEntryComponent> entries = page.bundle().getEntry();
    for (int i = 0; i < entries.size(); i++) {
      BundleEntryComponent entry = entries.get(i);
      if (entry.getSearch().getMode() != SearchEntryMode.INCLUDE
          || readable.getOrDefault(type(entry), Set.of()).contains(id(entry))) {
        kept.add(i);
      }
    }
    return kept.size() == entries.size() ? response : without(response, page, kept);
  }

  /** By type, the ids of the included resources that the caller may read. */
  private Map<String, Set<String>> readableIncludes(FhirRequest request, Bundle bundle, Rights rights) {
    Map<String, Set<String>> byType = new LinkedHashMap<>();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.getSearch().getMode() == SearchEntryMode.INCLUDE) {
        byType.computeIfAbsent(type(entry), type -> new HashSet<>()).add(id(entry));
      }
    }
    Map<String, Set<String>> readable = new LinkedHashMap<>();
    byType.forEach((type, ids) -> {
      Rights.Reach reach = rights.reach(Permission.READ, type);
      if (reach.all()) {
        readable.put(type, ids);
      } else if (reach.limited()) {
        readable.put(type, granular.matching(type, ids, reach.constraints(), request.baseUrl()));
      }
    });
    return readable;
  }

  private static FhirResponse without(FhirResponse response, StoredBundle page, List<Integer> kept) {
    Bundle bundle = page.bundle().copy();
    bundle.getEntry().clear();
    List<byte[]> resources = new ArrayList<>(kept.size());
    for (int i : kept) {
      bundle.addEntry(page.bundle().getEntry().get(i));
      resources.add(page.resources().get(i));
    }
    FhirResponse filtered = FhirResponse.ok(new StoredBundle(bundle, resources));
    response.headers().forEach(filtered::header);
    return filtered;
  }

  private static String type(BundleEntryComponent entry) {
    return new IdType(entry.getFullUrl()).getResourceType();
  }

  private static String id(BundleEntryComponent entry) {
    return new IdType(entry.getFullUrl()).getIdPart();
  }
}
