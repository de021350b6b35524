package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class FhirTest {
  private static final String SLOPPY = """
      {"resourceType":"Patient","favouriteColour":"green","gender":"robot","birthDate":"1999-13-45",
       "active":"maybe","name":[{"family":"Kept","nickname":"x"}]}""";

  @Test
  void strictParsingRefusesUnknownElementsAndInvalidValues() {
    assertThatThrownBy(() -> new Fhir(false).parse(Format.JSON, SLOPPY.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void lenientParsingDropsUnknownElementsAndInvalidValues() {
    Fhir fhir = new Fhir(true);

    Patient patient = (Patient) fhir.parse(Format.JSON, SLOPPY.getBytes(StandardCharsets.UTF_8));

    assertThat(new String(fhir.encode(Format.JSON, patient, false), StandardCharsets.UTF_8))
        .isEqualTo("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Kept\"}]}");
  }

  @Test
  void lenientParsingStillRefusesWhatIsNotAResource() {
    assertThatThrownBy(() -> new Fhir(true).parse(Format.JSON, "{\"resourceType\":".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(FhirException.class);
  }
}
