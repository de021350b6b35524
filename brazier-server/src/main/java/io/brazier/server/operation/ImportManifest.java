package io.brazier.server.operation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.store.Imports;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * What an import answers when it has ended, in the shape of Microsoft's {@code $import} result: when it was asked
 * ({@code transactionTime}) and by what request; per input, how many of its lines were imported ({@code output}:
 * {@code count}, and beside Microsoft's fields {@code written}, how many of those became a version, the others being
 * held already or superseded) and how many were not, with a link to their OperationOutcomes, one NDJSON line each
 * ({@code error}). A cancelled import says so, and counts what it had imported when it stopped.
 */
final class ImportManifest {
  private static final DateTimeFormatter INSTANT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx").withZone(ZoneOffset.UTC);

  private ImportManifest() {}

  /** A FHIR instant in UTC, to the millisecond. */
  static String instant(Instant instant) {
    return INSTANT.format(instant);
  }

  /** The file of an input's failures, below the job's status URL. */
  static String failuresFile(int input) {
    return "errors-" + input + ".ndjson";
  }

  static byte[] of(ImportRequest request, String job, Imports imports, boolean cancelled) {
    Map<Integer, Long> imported = imports.imported(job);
    Map<Integer, Long> written = imports.written(job);
    Map<Integer, Long> failed = imports.failed(job);
    ObjectNode manifest = JsonNodeFactory.instance.objectNode();
    manifest.put("transactionTime", request.transactionTime());
    manifest.put("request", request.request());
    if (cancelled) {
      manifest.put("cancelled", true);
    }
    ArrayNode output = manifest.putArray("output");
    ArrayNode error = manifest.putArray("error");
    // inputUrl is the input's URL as the client sent it, its SAS included: the result names each input by its own
    // URL (as Microsoft's result and the Bulk Data import manifest do), which the client matches to its inputs, and
    // a redacted URL would match none. It answers the client's own status request; logs and diagnostics show the
    // URL redacted (HttpUrls.redacted).
    for (int i = 0; i < request.inputs().size(); i++) {
      ImportRequest.Input input = request.inputs().get(i);
      ObjectNode counted = output.addObject().put("type", input.type()).put("count", imported.getOrDefault(i, 0L))
          .put("inputUrl", input.url());
      // Not known for an input with a batch merged before the store counted it (an upgrade during the import).
      if (written.containsKey(i) || !imported.containsKey(i)) {
        counted.put("written", written.getOrDefault(i, 0L));
      }
      long failures = failed.getOrDefault(i, 0L);
      if (failures > 0) {
        error.addObject().put("type", "OperationOutcome").put("count", failures).put("inputUrl", input.url())
            .put("url", request.baseUrl() + "/_async/" + job + "/" + failuresFile(i));
      }
    }
    return JobJson.write(manifest).getBytes(StandardCharsets.UTF_8);
  }
}
