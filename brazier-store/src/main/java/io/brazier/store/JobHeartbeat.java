package io.brazier.store;

import java.time.Duration;

/**
 * A job's progress as its runner records it: how much is {@code done} (of {@code total}, when known), the
 * {@code cursor} to resume from (JSON), and a new lease; recorded only while {@code owner} still holds the job.
 */
public record JobHeartbeat(String job, String owner, long done, Long total, String cursor, Duration lease) {}
