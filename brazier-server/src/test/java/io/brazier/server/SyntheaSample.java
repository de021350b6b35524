package io.brazier.server;

import io.brazier.fhir.Fhir;
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
      List<Resource> resources = new ArrayList<>();
      // One transaction of PUTs: the references between the sample's resources hold whatever their order.
      Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(
          SyntheaSample.class.getResourceAsStream("/synthea/sample.ndjson.gz")), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          Resource resource = (Resource) fhir.jsonParser().parseResource(line);
          resource.getMeta().addTag(TAG_SYSTEM, TAG, null);
          transaction.addEntry().setResource(resource).getRequest().setMethod(Bundle.HTTPVerb.PUT)
              .setUrl(resource.fhirType() + "/" + resource.getIdElement().getIdPart());
          resources.add(resource);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      // The sample was cut from a larger set: a few of its references lead outside it, which only a lenient
      // server stores.
      ServerConfig lenient = ServerConfig.defaults().withPort(0).withBundles(ServerConfig.DEFAULT_BUNDLE_MAX_ENTRIES,
          ServerConfig.DEFAULT_BUNDLE_MAX_BYTES, ServerConfig.ReferentialIntegrity.LENIENT,
          ServerConfig.MissingReferences.ERROR);
      try (TestServer loader = TestServer.onSharedStore(lenient)) {
        loader.client().transaction().withBundle(transaction).execute();
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
