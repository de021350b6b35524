package io.brazier.store;

import java.util.List;

/**
 * A page of the change feed. {@code last} is where the next page starts (its {@code since}): the last change's
 * sequence when the page is full, else the last sequence looked at, as every change up to it of the types asked for
 * is in this page; a reader of a rare type so moves past the changes of other types, even with an empty page.
 */
public record ChangePage(List<Change> changes, long last) {}
