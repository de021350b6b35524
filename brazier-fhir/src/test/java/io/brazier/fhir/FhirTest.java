package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
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

  @Test
  void aByteOrderMarkBeforeJsonIsSkipped() {
    byte[] body = "\uFEFF{\"resourceType\":\"Patient\",\"active\":true}".getBytes(StandardCharsets.UTF_8);

    assertThat(((Patient) new Fhir(false).parse(Format.JSON, body)).getActive()).isTrue();
  }

  @Test
  void aResourceNestedTooDeeplyForJsonIsRefusedAsInvalid() {
    String xml = "<Patient xmlns=\"http://hl7.org/fhir\">" + "<extension url=\"http://x\">".repeat(600)
        + "<valueString value=\"deep\"/>" + "</extension>".repeat(600) + "</Patient>";
    Fhir fhir = new Fhir(false);
    Patient patient = (Patient) fhir.parse(Format.XML, xml.getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> fhir.encode(Format.JSON, patient, false))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void anXmlDecimalWithAHugeExponentNeverBecomesABillionDigitsOfJson() {
    byte[] xml = ("<Observation xmlns=\"http://hl7.org/fhir\"><status value=\"final\"/><code><text value=\"x\"/>"
        + "</code><valueQuantity><value value=\"1e999999999\"/></valueQuantity></Observation>")
        .getBytes(StandardCharsets.UTF_8);
    Fhir fhir = new Fhir(false);

    // Guards against a hang, not a speed: written out in full, the value is a billion digits.
    assertTimeoutPreemptively(Duration.ofMinutes(1), () -> {
      try {
        Resource parsed = fhir.parse(Format.XML, xml);
        assertThat(fhir.encode(Format.JSON, parsed, false)).hasSizeLessThan(10_000);
      } catch (FhirException refused) {
        assertThat(refused.status()).isEqualTo(400);
      }
    });
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedRatherThanReadAsReplacementCharacters() {
    byte[] start = "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"a".getBytes(StandardCharsets.UTF_8);
    byte[] end = "\"/></name></Patient>".getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[start.length + 2 + end.length];
    System.arraycopy(start, 0, body, 0, start.length);
    body[start.length] = (byte) 0xC3; // a two-byte sequence whose second byte is missing
    body[start.length + 1] = '(';
    System.arraycopy(end, 0, body, start.length + 2, end.length);

    assertThatThrownBy(() -> new Fhir(false).parse(Format.XML, body))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("not valid UTF-8");
  }
}
