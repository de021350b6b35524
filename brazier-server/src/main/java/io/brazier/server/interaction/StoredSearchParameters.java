package io.brazier.server.interaction;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.SearchParameters;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.SearchParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers the SearchParameter resources a server holds when it starts, so custom parameters survive restarts. */
public final class StoredSearchParameters {
  private static final Logger log = LoggerFactory.getLogger(StoredSearchParameters.class);
  private static final int PAGE = 500;

  private final Store store;
  private final Fhir fhir;
  private final SearchParameters parameters;

  public StoredSearchParameters(Store store, Fhir fhir, SearchParameters parameters) {
    this.store = store;
    this.fhir = fhir;
    this.parameters = parameters;
  }

  public void load() {
    int registered = 0;
    String after = null;
    for (List<ResourceVersion> page = store.scan("SearchParameter", null, PAGE); !page.isEmpty();
        page = store.scan("SearchParameter", after, PAGE)) {
      for (ResourceVersion version : page) {
        try {
          parameters.register((SearchParameter) fhir.jsonParser().parseResource(
              new String(version.json(), StandardCharsets.UTF_8)));
          registered++;
        } catch (FhirException e) {
          log.warn("Stored SearchParameter not usable id={} reason={}", version.id(), e.getMessage());
        }
      }
      after = page.get(page.size() - 1).id();
    }
    if (registered > 0) {
      log.info("Custom search parameters registered count={}", registered);
    }
  }
}
