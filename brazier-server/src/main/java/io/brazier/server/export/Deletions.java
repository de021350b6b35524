package io.brazier.server.export;

import io.brazier.store.ResourceVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A line of an export's {@code deleted} file: a transaction Bundle with a DELETE entry for each resource deleted
 * since {@code _since}, as the Bulk Data IG asks. Ids are FHIR ids (letters, digits, {@code -} and {@code .}), so the
 * JSON is written directly.
 */
final class Deletions {
  private Deletions() {}

  static byte[] bundle(List<ResourceVersion> deletions) {
    StringBuilder json = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
    for (int i = 0; i < deletions.size(); i++) {
      ResourceVersion deleted = deletions.get(i);
      json.append(i == 0 ? "" : ",").append("{\"request\":{\"method\":\"DELETE\",\"url\":\"")
          .append(deleted.type()).append('/').append(deleted.id()).append("\"}}");
    }
    return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }
}
