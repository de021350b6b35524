package io.brazier.server.http;

/**
 * How many entries a page of search, history or $changes holds: {@code standard} when the client sets no
 * {@code _count}, and at most {@code max} whatever it asks (--page-size and --max-page-size); and how many included
 * resources a searchset holds at most ({@code maxIncludes}, --max-includes), the rest paged by {@code $includes}.
 */
public record PageSizes(int standard, int max, int maxIncludes) {}
