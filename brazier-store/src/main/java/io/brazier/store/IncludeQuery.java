package io.brazier.store;

import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.SearchQuery.Include;
import java.util.List;

/**
 * What to include with resources {@code from}: the live resources they refer to through the {@code forward}
 * includes' parameters and those that refer to them through the {@code reverse} includes' parameters (each include
 * names one source type and parameter), minus {@code except} (the resources already served), that match
 * {@code filter} (null: any).
 */
public record IncludeQuery(List<ResourceVersion> from, List<Include> forward, List<Include> reverse,
    List<ResourceVersion> except, Criterion filter) {

  public IncludeQuery {
    from = List.copyOf(from);
    forward = List.copyOf(forward);
    reverse = List.copyOf(reverse);
    except = List.copyOf(except);
  }
}
