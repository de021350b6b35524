package io.brazier.server.export;

import java.util.List;

/**
 * One file of an export as far as it is written: its series (a resource type, {@code deleted} or {@code error}) and
 * number, which make its name, how many lines and bytes it holds, and where a runner that takes the export over finds
 * those bytes: the run's own part file ({@code part}, local storage) or the blocks committed so far ({@code blocks},
 * Blob storage, with the blob's {@code etag} after that commit).
 */
record FileState(String series, int number, long count, long bytes, String part, List<String> blocks, String etag) {
  static final String DELETED = "deleted";
  static final String ERROR = "error";

  FileState {
    blocks = blocks == null ? List.of() : List.copyOf(blocks);
  }

  /** A file not written yet. */
  static FileState empty(String series, int number) {
    return new FileState(series, number, 0, 0, null, List.of(), null);
  }

  /** {@code Observation-1.ndjson}, {@code deleted-1.ndjson}, {@code error-1.ndjson}. */
  String name() {
    return name(series, number);
  }

  static String name(String series, int number) {
    return series + "-" + number + ".ndjson";
  }

  /** What the manifest says the file holds: its resource type, Bundle for deletions, OperationOutcome for errors. */
  String resourceType() {
    return switch (series) {
      case DELETED -> "Bundle";
      case ERROR -> "OperationOutcome";
      default -> series;
    };
  }

  FileState written(long lines, long size, String newPart, List<String> newBlocks, String newEtag) {
    return new FileState(series, number, lines, size, newPart, newBlocks, newEtag);
  }
}
