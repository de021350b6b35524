package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.interaction.BundleReader.Read;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * Reading the Bundle of a batch or transaction, without a server: its entries, each resource apart, and the entries
 * that cannot be read, each named, while the others are kept. https://hl7.org/fhir/R4/http.html#transaction
 */
class BundleReaderTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final String PATIENT = "{\"resourceType\":\"Patient\",\"active\":true}";

  private final BundleReader reader = new BundleReader(FHIR, new Bodies(FHIR));

  @Test
  void theEntriesAreReadWithTheirResourcesApart() {
    Read read = read(bundle(entry(PATIENT, "POST", "Patient"), entry(null, "GET", "Patient/1")), 10);

    assertThat(read.bundle().getType()).isEqualTo(BundleType.TRANSACTION);
    assertThat(read.bundle().getEntry()).hasSize(2).noneMatch(entry -> entry.hasResource());
    assertThat(read.bundle().getEntry().get(1).getRequest().getUrl()).isEqualTo("Patient/1");
    assertThat(read.bodies().get(0).type()).isEqualTo("Patient");
    assertThat(read.bodies().get(1)).isNull();
    assertThat(read.failures()).isEmpty();
  }

  @Test
  void moreEntriesThanAllowedIsTooLarge() {
    String bundle = bundle(entry(PATIENT, "POST", "Patient"), entry(PATIENT, "POST", "Patient"));

    assertThatThrownBy(() -> read(bundle, 1))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(413))
        .hasMessageContaining("--bundle-max-entries");
  }

  @Test
  void aBodyThatIsNotABundleIsABadRequest() {
    assertStatus(400, "[]");
    assertStatus(400, PATIENT);
  }

  @Test
  void anEntryWhoseResourceIsNotAResourceFailsAloneNamingIt() {
    Read read = read(bundle(entry(PATIENT, "POST", "Patient"), entry("\"Patient\"", "POST", "Patient"),
        entry("{\"active\":true}", "POST", "Patient")), 10);

    assertThat(read.failures()).containsOnlyKeys(1, 2);
    assertThat(read.failures().get(1).outcome().getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("Bundle.entry[1]");
    assertThat(read.bodies().get(0)).isNotNull();
  }

  @Test
  void anEntryTheParserRefusesFailsAloneAndTheOthersAreKept() {
    Read read = read(bundle(entry(PATIENT, "POST", "Patient"), entry(null, "FETCH", "Patient/1"),
        entry(null, "GET", "Patient/2")), 10);

    assertThat(read.failures()).containsOnlyKeys(1);
    assertThat(read.bundle().getEntry()).hasSize(3);
    assertThat(read.bundle().getEntry().get(2).getRequest().getUrl()).isEqualTo("Patient/2");
  }

  @Test
  void anXmlBundleIsReadWholeWithItsResources() {
    Bundle bundle = new Bundle().setType(BundleType.BATCH);
    bundle.addEntry().setResource(new Patient().setActive(true)).getRequest().setMethod(HTTPVerb.POST)
        .setUrl("Patient");
    byte[] xml = FHIR.context().newXmlParser().encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8);

    Read read = reader.read(FhirRequest.builder("POST", "").body(xml, "application/fhir+xml").build(), 10);

    assertThat(read.bundle().getType()).isEqualTo(BundleType.BATCH);
    assertThat(((Patient) read.bodies().get(0).resource()).getActive()).isTrue();
  }

  private Read read(String json, int maxEntries) {
    return reader.read(FhirRequest.builder("POST", "")
        .body(json.getBytes(StandardCharsets.UTF_8), "application/fhir+json").build(), maxEntries);
  }

  private void assertStatus(int status, String json) {
    assertThatThrownBy(() -> read(json, 10)).as(json)
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(status));
  }

  private static String bundle(String... entries) {
    return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", entries) + "]}";
  }

  private static String entry(String resource, String method, String url) {
    return "{" + (resource == null ? "" : "\"resource\":" + resource + ",") + "\"request\":{\"method\":\"" + method
        + "\",\"url\":\"" + url + "\"}}";
  }
}
