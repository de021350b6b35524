package io.brazier.sync;

/** What a replay of dead letters did: those applied (and deleted), and those that failed again (and stay). */
public record ReplayResult(int replayed, int failed) {}
