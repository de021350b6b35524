package io.brazier.proxy.processor;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * How many batches a transaction made a batch takes: one round per step of entries that refer to what other
 * entries write, a circle in one round, and entries that name no resource by URL never waited for.
 */
class BatchRoundsTest {
  private static final FhirTerser TERSER = FhirContext.forR4Cached().newTerser();

  @Test
  void entriesThatReferToNoOtherGoInOneBatch() {
    Bundle batch = batch(put("Patient/a", new Patient()), put("Patient/b", new Patient()));

    assertThat(new BatchRounds(batch, TERSER).size()).isEqualTo(1);
  }

  @Test
  void entriesThatReferToEachOtherShareTheLastRound() {
    Bundle batch = batch(put("Observation/x", observation("Observation/y").setHasMember(
        List.of(new Reference("Observation/y")))), put("Observation/y", new Observation()
        .setHasMember(List.of(new Reference("Observation/x")))), put("Patient/free", new Patient()));

    assertThat(new BatchRounds(batch, TERSER).size()).isEqualTo(2);
  }

  @Test
  void conditionalAndUrlLessEntriesAreNoTargetsAndBreakNothing() {
    Bundle batch = batch(put("Patient?identifier=urn:mrn|1", new Patient()), put(null, new Patient()),
        put("Observation/o", observation("Patient?identifier=urn:mrn|1")));

    assertThat(new BatchRounds(batch, TERSER).size()).isEqualTo(1);
  }

  private static Bundle batch(Bundle.BundleEntryComponent... entries) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.BATCH);
    for (Bundle.BundleEntryComponent entry : entries) {
      bundle.addEntry(entry);
    }
    return bundle;
  }

  private static Bundle.BundleEntryComponent put(String url, Resource resource) {
    Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent().setResource(resource);
    entry.getRequest().setMethod(HTTPVerb.PUT);
    if (url != null) {
      entry.getRequest().setUrl(url);
    }
    return entry;
  }

  private static Observation observation(String subject) {
    Observation observation = new Observation();
    observation.setSubject(new Reference(subject));
    return observation;
  }
}
