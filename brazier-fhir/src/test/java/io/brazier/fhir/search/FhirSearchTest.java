package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class FhirSearchTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final FhirSearch SEARCH = new FhirSearch(FHIR);

  @Test
  void theIndexOfStoredJsonIsWhatTheExtractorTakesFromTheResource() {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference("Patient/p1"));
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    byte[] json = FHIR.encode(Format.JSON, observation, false);

    SearchIndex index = SEARCH.index(json);

    assertThat(index).isEqualTo(SEARCH.extractor().extract(observation, json));
    assertThat(index.references()).contains(new SearchIndex.ReferenceEntry("subject", "Patient", "p1", null, null));
  }
}
