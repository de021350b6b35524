package io.brazier.loader.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.loader.send.Json;

/** A search that failed after its retries: the request and why, written to the export's error file. */
final class SearchFailed extends Exception {
  private final String search;

  SearchFailed(String search, String reason) {
    super("GET " + search + " failed: " + reason);
    this.search = search;
  }

  String search() {
    return search;
  }

  /** The failure as the Bulk Data error file holds it: an OperationOutcome. */
  ObjectNode outcome() {
    return Json.outcome("exception", getMessage());
  }
}
