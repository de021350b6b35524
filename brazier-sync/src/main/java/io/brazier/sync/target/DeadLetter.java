package io.brazier.sync.target;

import java.time.Instant;

/**
 * A change given up on: after {@code --sync-max-attempts} failures, or at once when its map cannot take it.
 *
 * @param id its number in the dead-letter table (0 before it is stored)
 * @param version null when the source did not give it
 */
public record DeadLetter(long id, String source, long sequence, String type, String resourceId, Integer version,
    String action, String partition, int attempts, String error, Instant failedAt) {}
