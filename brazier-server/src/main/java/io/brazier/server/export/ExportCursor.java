package io.brazier.server.export;

import java.util.List;

/**
 * Where an export run got to, kept with its job as JSON at each sync: the step (see {@link Step}), the position in
 * its scan (a {@code ScanCursor}, or null at its start) and, for referenced resources, the chunk of ids; the files
 * as synced; and counts for the progress header.
 */
record ExportCursor(int step, String scan, int chunk, List<FileState> files, FileState open, long done,
    long stepDone, Long stepTotal) {
  static final ExportCursor START = new ExportCursor(0, null, 0, List.of(), null, 0, 0, null);

  ExportCursor {
    files = List.copyOf(files);
  }

  Output.Files output() {
    return new Output.Files(files, open);
  }
}
