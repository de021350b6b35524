package io.brazier.server.operation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * What an import answers when it has ended, in the shape of Microsoft's {@code $import} result: when it was asked
 * ({@code transactionTime}) and by what request; per input, how many of its lines were imported ({@code output}) and
 * how many were not, with a link to their OperationOutcomes, one NDJSON line each ({@code error}). A cancelled
 * import says so, and counts what it had imported when it stopped.
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

  static byte[] of(ImportRequest request, String job, Map<Integer, Long> imported, Map<Integer, Long> failed,
      boolean cancelled) {
    ObjectNode manifest = JsonNodeFactory.instance.objectNode();
    manifest.put("transactionTime", request.transactionTime());
    manifest.put("request", request.request());
    if (cancelled) {
      manifest.put("cancelled", true);
    }
    ArrayNode output = manifest.putArray("output");
    ArrayNode error = manifest.putArray("error");
    for (int i = 0; i < request.inputs().size(); i++) {
      ImportRequest.Input input = request.inputs().get(i);
      output.addObject().put("type", input.type()).put("count", imported.getOrDefault(i, 0L))
          .put("inputUrl", input.url());
      long failures = failed.getOrDefault(i, 0L);
      if (failures > 0) {
        error.addObject().put("type", "OperationOutcome").put("count", failures).put("inputUrl", input.url())
            .put("url", request.baseUrl() + "/_async/" + job + "/" + failuresFile(i));
      }
    }
    return JobJson.write(manifest).getBytes(StandardCharsets.UTF_8);
  }
}
