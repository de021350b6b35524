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
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;

/**
 * 371 Synthea resources (three patients with everything about them, and the practitioners, organizations and
 * locations they refer to; Synthea's data is synthetic, Apache-2.0), stored once per test JVM with their own ids
 * and a tag that lets tests search among them alone. See src/test/resources/synthea/README.md.
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
      // One transaction, so that references between the resources hold whatever the order of the lines.
      Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(
          SyntheaSample.class.getResourceAsStream("/synthea/sample.ndjson.gz")), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          Resource resource = (Resource) fhir.jsonParser().parseResource(line);
          resource.getMeta().addTag(TAG_SYSTEM, TAG, null);
          ownIdentifiers(resource);
          String url = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
          transaction.addEntry().setResource(resource).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(url);
          resources.add(resource);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      client.transaction().withBundle(transaction).execute();
      loaded = List.copyOf(resources);
    }
    return loaded;
  }

  /**
   * Identifiers of the sample's own, so that conditional writes of other tests (Synthea's bundles name the same
   * organizations by identifier) never match a sample resource.
   */
  private static void ownIdentifiers(Resource resource) {
    Property identifiers = resource.getNamedProperty("identifier");
    if (identifiers != null) {
      identifiers.getValues().forEach(value -> ((Identifier) value).setValue(((Identifier) value).getValue() + "-s"));
    }
  }

  /** The query parameter that keeps a search among the sample. */
  public static String scope() {
    return "_tag=" + TAG_SYSTEM + "|" + TAG;
  }
}
