package io.brazier.server.interaction;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.r4.model.Bundle;

/** The Synthea bundles kept in the test resources: one patient's transaction and the reference data it names. */
final class Synthea {
  private Synthea() {}

  static Bundle patient() {
    return parse("patient.json.gz");
  }

  static Bundle hospitals() {
    return parse("hospitalInformation.json.gz");
  }

  static Bundle practitioners() {
    return parse("practitionerInformation.json.gz");
  }

  /** Loads the hospital and practitioner batches, as a Synthea loader does before the patients. */
  static void loadReferenceData(IGenericClient client) {
    client.transaction().withBundle(hospitals()).execute();
    client.transaction().withBundle(practitioners()).execute();
  }

  static String json(String name) {
    try (InputStream in = new GZIPInputStream(Synthea.class.getResourceAsStream("/synthea/" + name))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Bundle parse(String name) {
    var parser = TestServer.shared().fhir().jsonParser();
    parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
    return parser.parseResource(Bundle.class, json(name));
  }
}
