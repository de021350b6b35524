package io.brazier.server.interaction;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.SearchParameters;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.SearchParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry's custom parameters those of the SearchParameter resources the store holds, and its disabled
 * parameters those the store's statuses disable ({@code SearchParameter/$status}): read at start, and read again
 * whenever a SearchParameter or a status is committed, deleted included, by this node (before its write answers) or
 * by any other (once its notice comes). Only what committed is read, so a rolled-back transaction registers nothing.
 */
public final class StoredSearchParameters {
  private static final Logger log = LoggerFactory.getLogger(StoredSearchParameters.class);
  private static final String TYPE = "SearchParameter";
  /** The status of a parameter that searches do not know; any other is enabled. */
  public static final String DISABLED = "Disabled";
  private static final int PAGE = 500;

  private final Store store;
  private final Fhir fhir;
  private final SearchParameters parameters;
  private boolean loaded;

  public StoredSearchParameters(Store store, Fhir fhir, SearchParameters parameters) {
    this.store = store;
    this.fhir = fhir;
    this.parameters = parameters;
  }

  /**
   * Loads the stored parameters now and again after each change of them (listening first, so none is missed);
   * returns what stops following them.
   */
  public Runnable follow() {
    Runnable stop = store.onChanges(this::changed);
    load();
    return stop;
  }

  private void changed(Set<String> types) {
    if (types.contains(TYPE)) {
      load();
    }
  }

  /**
   * Replaces the custom parameters with the stored ones, oldest first so that a newer definition of a url or code
   * wins, composites after the parameters they are made of, and the disabled ones with those stored. One load at a
   * time: a later load reads a later state of the store, and is the one that stays.
   */
  synchronized void load() {
    Set<String> disabled = new TreeSet<>();
    store.searchParameterStatuses().forEach((url, status) -> {
      if (status.equals(DISABLED)) {
        disabled.add(url);
      }
    });
    List<ResourceVersion> stored = new ArrayList<>();
    String after = null;
    for (List<ResourceVersion> page = store.scan(TYPE, null, PAGE); !page.isEmpty();
        page = store.scan(TYPE, after, PAGE)) {
      stored.addAll(page);
      after = page.get(page.size() - 1).id();
    }
    // Stable sorts: composites last, as their components must be known when they are read, even a component
    // updated after its composite; oldest first among the others and among the composites.
    List<SearchParameter> definitions = stored.stream()
        .sorted(Comparator.comparing(ResourceVersion::lastUpdated))
        .map(version -> (SearchParameter) fhir.jsonParser()
            .parseResource(new String(version.json(), StandardCharsets.UTF_8)))
        .sorted(Comparator.comparing(definition -> definition.getType() == SearchParamType.COMPOSITE))
        .toList();
    long before = parameters.version();
    Map<String, String> unusable = parameters.replaceStored(definitions);
    if (parameters.version() != before || !loaded && !definitions.isEmpty()) {
      unusable.forEach((url, reason) -> log.warn("Stored SearchParameter not usable url={} reason={}", url, reason));
      log.info("Custom search parameters loaded count={}", definitions.size() - unusable.size());
    }
    if (!disabled.equals(parameters.disabled())) {
      log.info("Search parameters disabled count={}", disabled.size());
    }
    parameters.disable(disabled);
    loaded = true;
  }
}
