package io.brazier.server.operation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.MetadataResource;

/**
 * Serves HAPI's validator the StructureDefinitions, ValueSets and CodeSystems stored in this server, found by their
 * canonical url (indexed as the {@code url} token). HAPI's chain caches what it is served, and what it derives from
 * it, until told to forget; so this remembers which versions it served for each url (or that the store held none)
 * and tells when the store now holds others.
 */
final class StoredDefinitions implements IValidationSupport {
  /** Definitions that share a canonical url, as the versions of one profile may; more would be a mistake. */
  private static final int MATCHES = 20;

  private final Fhir fhir;
  private final Store store;
  private final Map<Canonical, List<Stamp>> served = new ConcurrentHashMap<>();

  private record Canonical(String type, String url) {}

  private record Stamp(String id, int version) {}

  StoredDefinitions(Fhir fhir, Store store) {
    this.fhir = fhir;
    this.store = store;
  }

  @Override
  public FhirContext getFhirContext() {
    return fhir.context();
  }

  @Override
  public String getName() {
    return "Brazier stored definitions";
  }

  @Override
  public IBaseResource fetchStructureDefinition(String url) {
    return fetch("StructureDefinition", url);
  }

  @Override
  public IBaseResource fetchValueSet(String url) {
    return fetch("ValueSet", url);
  }

  @Override
  public IBaseResource fetchCodeSystem(String url) {
    return fetch("CodeSystem", url);
  }

  /** The chain forgets what it was served, and so does this. */
  @Override
  public void invalidateCaches() {
    served.clear();
  }

  /** Whether a url served so far now names other stored versions: created, updated or deleted since. */
  boolean changed() {
    for (Map.Entry<Canonical, List<Stamp>> entry : served.entrySet()) {
      if (!stamps(current(entry.getKey())).equals(entry.getValue())) {
        return true;
      }
    }
    return false;
  }

  /** The newest stored definition with a canonical url such as {@code http://x/sd} or {@code http://x/sd|1.0}. */
  private IBaseResource fetch(String type, String canonical) {
    int bar = canonical.indexOf('|');
    Canonical key = new Canonical(type, bar < 0 ? canonical : canonical.substring(0, bar));
    String version = bar < 0 ? null : canonical.substring(bar + 1);
    List<ResourceVersion> matches = current(key);
    // Keep what was served first: if a later fetch sees newer versions, changed() must still report the change, as
    // the chain may hold results derived from the first.
    served.putIfAbsent(key, stamps(matches));
    return matches.stream()
        .sorted(Comparator.comparing(ResourceVersion::lastUpdated).reversed())
        .map(this::parse)
        .filter(definition -> version == null || version.equals(definition.getVersion()))
        .findFirst()
        .orElse(null);
  }

  private List<ResourceVersion> current(Canonical canonical) {
    List<ResourceVersion> versions = new ArrayList<>();
    SearchQuery byUrl = SearchQuery.of(List.of(canonical.type()),
        List.of(new Criterion.UriMatch("url", Criterion.UriMode.EQUALS, List.of(canonical.url()))));
    for (String id : store.ids(byUrl, MATCHES)) {
      store.current(canonical.type(), id).filter(version -> !version.deleted()).ifPresent(versions::add);
    }
    return versions;
  }

  private static List<Stamp> stamps(List<ResourceVersion> versions) {
    return versions.stream().map(version -> new Stamp(version.id(), version.version())).toList();
  }

  private MetadataResource parse(ResourceVersion version) {
    return (MetadataResource) fhir.jsonParser().parseResource(new String(version.json(), StandardCharsets.UTF_8));
  }
}
