package io.brazier.store;

import java.util.List;

/** A page of history, newest first; {@code next} is null on the last page. */
public record HistoryPage(List<ResourceVersion> versions, HistoryCursor next) {}
