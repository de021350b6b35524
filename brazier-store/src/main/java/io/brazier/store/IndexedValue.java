package io.brazier.store;

/**
 * A value live resources are indexed with under a search parameter: a token's system (null when it has none) and
 * code, or a uri (system null).
 */
public record IndexedValue(String system, String value) {}
