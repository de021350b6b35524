package io.brazier.store;

import java.util.List;

/**
 * A page of included resources, in the order of their row keys, so that the next page resumes after the last one
 * served with none left out or served twice. {@code next} is the row key to resume after; null on the last page.
 */
public record IncludedPage(List<ResourceVersion> resources, Long next) {

  public IncludedPage {
    resources = List.copyOf(resources);
  }
}
