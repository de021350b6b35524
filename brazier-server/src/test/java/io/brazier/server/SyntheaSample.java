package io.brazier.server;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.fhir.Fhir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.r4.model.Resource;

/**
 * 371 Synthea resources (three patients with everything about them, and the practitioners, organizations and
 * locations they refer to; Synthea's data is synthetic, Apache-2.0), stored once per test JVM with their own ids
 * and a tag that lets tests search among them alone.
 */
public final class SyntheaSample {
  public static final String TAG_SYSTEM = "http://brazier.test/sample";
  public static final String TAG = "synthea";
  private static List<Resource> loaded;

  private SyntheaSample() {}

  /** The resources as stored (tag included). */
  public static synchronized List<Resource> resources() {
    if (loaded == null) {
      Fhir fhir = TestServer.shared().fhir();
      IGenericClient client = TestServer.shared().client();
      List<Resource> resources = new ArrayList<>();
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(
          SyntheaSample.class.getResourceAsStream("/synthea/sample.ndjson.gz")), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          Resource resource = (Resource) fhir.jsonParser().parseResource(line);
          resource.getMeta().addTag(TAG_SYSTEM, TAG, null);
          client.update().resource(resource).execute();
          resources.add(resource);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      loaded = List.copyOf(resources);
    }
    return loaded;
  }

  /** The query parameter that keeps a search among the sample. */
  public static String scope() {
    return "_tag=" + TAG_SYSTEM + "|" + TAG;
  }
}
