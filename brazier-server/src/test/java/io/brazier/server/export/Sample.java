package io.brazier.server.export;

import io.brazier.server.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * The repository's Synthea sample (372 resources: three patients, everything about them and what they refer to),
 * stored as it is, ids kept, into a server of a test's own.
 */
final class Sample {
  private Sample() {}

  /** The sample's lines, as in the file. */
  static List<String> lines() {
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        Sample.class.getResourceAsStream("/synthea/sample.ndjson.gz")), StandardCharsets.UTF_8))) {
      reader.lines().forEach(lines::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }

  /** The sample's lines with {@code suffix} added to every id. */
  static List<String> lines(String suffix) {
    return lines().stream().map(line -> suffix.isEmpty() ? line : line.replaceAll(
        "(\"id\":\"|/)([0-9a-f]{8}-[0-9a-f-]{27})\"", "$1$2" + suffix + "\"")).toList();
  }

  /** Stores the sample in one transaction (references hold whatever the order); {@code suffix} renames every id. */
  static void load(TestServer server, String suffix) {
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (String renamed : lines(suffix)) {
      Resource resource = (Resource) server.fhir().jsonParser().parseResource(renamed);
      String url = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
      transaction.addEntry().setResource(resource).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(url);
    }
    server.client().transaction().withBundle(transaction).execute();
  }
}
