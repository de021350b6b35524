package io.brazier.store;

import java.util.List;

/**
 * A page of search results in result order. {@code total} counts every match; {@code snapshot} names the stored
 * result to page through with {@link Store#page}, or is null when this page holds every match.
 */
public record SearchPage(List<ResourceVersion> resources, int total, String snapshot) {}
