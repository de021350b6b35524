package io.brazier.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.Fhir;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class StoredBundleTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final String STORED = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"extension\":[{\"url\":\"http://x\","
      + "\"valueDecimal\":0.10}],\"name\":[{\"family\":\"Ünïcode \\\"quoted\\\"\"}]}";

  @Test
  void asJsonTheStoredBytesAreSplicedInVerbatimRightAfterTheFullUrl() {
    StoredBundle stored = new StoredBundle(bundle(), Arrays.asList(STORED.getBytes(StandardCharsets.UTF_8), null));

    String json = new String(stored.json(FHIR, null), StandardCharsets.UTF_8);

    assertThat(json).contains("{\"fullUrl\":\"http://x/Patient/p1\",\"resource\":" + STORED + ",\"search\":"
        + "{\"score\":1.50}}");
    assertThat(json).contains("{\"fullUrl\":\"http://x/Patient/p2\",\"request\":{\"method\":\"DELETE\"");
    assertThat(json).doesNotContain("\"resource\":null");
  }

  @Test
  void anEntryWithoutFullUrlGetsItsResourceLastAndTheBundlesOwnElementsStayAsHapiEncodedThem() {
    Bundle bundle = new Bundle().setType(BundleType.HISTORY);
    bundle.addLink().setRelation("next").setUrl("http://x/$changes?since=7");
    bundle.addEntry().getResponse().setStatus("201 Created");
    StoredBundle stored = new StoredBundle(bundle, Arrays.asList(STORED.getBytes(StandardCharsets.UTF_8)));

    String json = new String(stored.json(FHIR, null), StandardCharsets.UTF_8);

    assertThat(json).isEqualTo("{\"resourceType\":\"Bundle\",\"type\":\"history\",\"link\":[{\"relation\":\"next\","
        + "\"url\":\"http://x/$changes?since=7\"}],\"entry\":[{\"response\":{\"status\":\"201 Created\"},"
        + "\"resource\":" + STORED + "}]}");
  }

  @Test
  void parsedTheStoredResourcesBecomeModelsInTheirEntries() {
    StoredBundle stored = new StoredBundle(bundle(), Arrays.asList(STORED.getBytes(StandardCharsets.UTF_8), null));

    Bundle parsed = stored.parsed(FHIR);

    assertThat(((Patient) parsed.getEntry().get(0).getResource()).getNameFirstRep().getFamily())
        .isEqualTo("Ünïcode \"quoted\"");
    assertThat(parsed.getEntry().get(1).hasResource()).isFalse();
    assertThat(stored.bundle().getEntry().get(0).hasResource()).isFalse();
  }

  private static Bundle bundle() {
    Bundle bundle = new Bundle().setType(BundleType.SEARCHSET);
    bundle.addEntry().setFullUrl("http://x/Patient/p1").getSearch().setScore(new BigDecimal("1.50"));
    bundle.addEntry().setFullUrl("http://x/Patient/p2").getRequest().setMethod(Bundle.HTTPVerb.DELETE)
        .setUrl("Patient/p2");
    return bundle;
  }
}
