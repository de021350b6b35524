package io.brazier.server.export;

import java.util.List;

/**
 * What a finished export keeps with its job: the manifest without its links, which a poll makes for the node and
 * storage that answers it.
 *
 * @param transactionTime the instant the export is as of (ISO)
 * @param request the kick-off URL
 * @param files every file, in the order written
 */
record ExportResult(String transactionTime, String request, List<FileState> files) {

  ExportResult {
    files = List.copyOf(files);
  }
}
