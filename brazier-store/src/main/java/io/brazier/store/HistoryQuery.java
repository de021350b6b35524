package io.brazier.store;

import java.time.Instant;

/**
 * A history request: of one resource (type and id), of a type (type only) or of the whole server (neither).
 * {@code since} and {@code at} bound lastUpdated; {@code before} is the paging cursor: only versions strictly older
 * than it are returned.
 */
public record HistoryQuery(String type, String id, Instant since, Instant at, HistoryCursor before, int count) {}
