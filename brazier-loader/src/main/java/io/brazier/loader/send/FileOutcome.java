package io.brazier.loader.send;

import java.util.List;

/**
 * How one file went: entries loaded and failed, and what the result folders receive. A file succeeded when {@code
 * reason} is null; then {@code result} is the server's response bundle. A failed one carries the reason (the server's
 * body, or what is wrong with the file), the report of failed entries, and for NDJSON the rejected lines. A batch too
 * large to send whole, in the watching service, comes back as {@code chunks} to write back as files.
 */
public record FileOutcome(String name, int loaded, int failed, String reason, byte[] result, byte[] report,
    byte[] rejected, List<byte[]> chunks) {

  public static FileOutcome loaded(String name, int loaded, byte[] result) {
    return new FileOutcome(name, loaded, 0, null, result, null, null, List.of());
  }

  /** A file that cannot be loaded at all: not JSON, not a transaction or batch, unreadable. */
  public static FileOutcome unusable(String name, String reason) {
    return new FileOutcome(name, 0, 0, reason, null, null, null, List.of());
  }

  public static FileOutcome split(String name, List<byte[]> chunks) {
    return new FileOutcome(name, 0, 0, null, null, null, null, chunks);
  }

  public boolean succeeded() {
    return reason == null;
  }

  /** The errors the file counts for in progress: its failed entries, or one when it failed as a whole. */
  public int errors() {
    return failed + (succeeded() || failed > 0 ? 0 : 1);
  }

  public boolean isSplit() {
    return !chunks.isEmpty();
  }
}
