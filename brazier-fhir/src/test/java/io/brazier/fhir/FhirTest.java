package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
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
  void aTreeWithAValueOfTheWrongJsonTypeIsRefusedWhenStrictAndReadWhenLenient() throws IOException {
    ObjectNode tree = (ObjectNode) Jackson.MAPPER.readTree("{\"resourceType\":\"Patient\",\"active\":\"true\"}");

    assertThatThrownBy(() -> new Fhir(false).parse(tree))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("'Patient.active' is a JSON string but must be a boolean");
    assertThat(((Patient) new Fhir(true).parse(tree)).getActive()).isTrue();
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

  @Test
  void anIdIsOneToSixtyFourLettersDigitsDashesAndDots() {
    assertThat(Fhir.isValidId("a-1.B")).isTrue();
    assertThat(Fhir.isValidId("x".repeat(64))).isTrue();
    assertThat(Fhir.isValidId("x".repeat(65))).isFalse();
    assertThat(Fhir.isValidId("")).isFalse();
    assertThat(Fhir.isValidId(null)).isFalse();
    assertThat(Fhir.isValidId("a_b")).isFalse();
    assertThat(Fhir.isValidId("a/b")).isFalse();
    assertThat(Fhir.isValidId("é")).isFalse();
  }

  @Test
  void anIdIsCheckedAsTheRegularExpressionItReplacesDid() {
    Pattern former = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    for (char c = 0; c < 0x3000; c++) {
      for (String id : List.of(String.valueOf(c), "a" + c + "9", c + "x".repeat(63), c + "x".repeat(64))) {
        assertThat(Fhir.isValidId(id)).as("%04x in %s", (int) c, id).isEqualTo(former.matcher(id).matches());
      }
    }
  }

  @Test
  void resourceTypesAreTheModelsSortedAndNamedExactly() {
    Fhir fhir = new Fhir(false);

    assertThat(fhir.resourceTypes()).contains("Patient", "Observation", "Bundle");
    assertThat(List.copyOf(fhir.resourceTypes())).isSorted();
    assertThat(fhir.isResourceType("Patient")).isTrue();
    assertThat(fhir.isResourceType("patient")).isFalse();
    assertThat(fhir.isResourceType("Starship")).isFalse();
  }

  @Test
  void aTreeIsParsedWithTheSameRulesAsBytes() throws IOException {
    ObjectNode sloppy = (ObjectNode) Jackson.MAPPER.readTree(SLOPPY);

    Patient lenient = (Patient) new Fhir(true).parse(sloppy.deepCopy());

    assertThat(lenient.getNameFirstRep().getFamily()).isEqualTo("Kept");
    assertThat(lenient.hasGender()).isFalse();
    assertThatThrownBy(() -> new Fhir(false).parse(sloppy))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void aTreeThatIsNotAResourceIsRefusedSayingSo() throws IOException {
    ObjectNode notAResource = (ObjectNode) Jackson.MAPPER.readTree("{\"resourceType\":\"Starship\"}");

    assertThatThrownBy(() -> new Fhir(true).parse(notAResource))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageStartingWith("The body is not a valid FHIR resource: ").hasMessageNotContaining("HAPI-");
  }

  @Test
  void theResourcesOfABundleKeepTheirOwnIdsRatherThanTheirFullUrls() {
    String bundle = """
        {"resourceType":"Bundle","type":"transaction","entry":[
         {"fullUrl":"urn:uuid:9d1c3f4e-0000-4000-8000-000000000001","resource":{"resourceType":"Patient","id":"own-id"},
          "request":{"method":"PUT","url":"Patient/own-id"}}]}""";

    Bundle parsed = (Bundle) new Fhir(false).parse(Format.JSON, bundle.getBytes(StandardCharsets.UTF_8));

    assertThat(parsed.getEntryFirstRep().getResource().getIdElement().getIdPart()).isEqualTo("own-id");
  }

  @Test
  void aResourceSurvivesEncodingInEitherFormat() {
    Fhir fhir = new Fhir(false);
    Patient patient = new Patient().setActive(true);
    patient.addName().setFamily("Chalmers").addGiven("Peter");

    for (Format format : Format.values()) {
      Patient again = (Patient) fhir.parse(format, fhir.encode(format, patient, true));

      assertThat(again.equalsDeep(patient)).as(format.name()).isTrue();
    }
  }

  @Test
  void aBodyThatCannotBeReadIsABadRequest() {
    InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("connection reset");
      }
    };

    assertThatThrownBy(() -> new Fhir(false).parse(Format.JSON, broken))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessage("The body could not be read: connection reset");
  }

  @Test
  void hapisMessageCodesAreLeftOutOfWhatClientsRead() {
    assertThat(Fhir.clean("HAPI-1821: [element=\"gender\"] Invalid attribute value \"robot\""))
        .isEqualTo("[element=\"gender\"] Invalid attribute value \"robot\"");
    assertThat(Fhir.clean("Outer HAPI-0450: inner HAPI-1861: detail")).isEqualTo("Outer inner detail");
    assertThat(Fhir.clean(null)).isEmpty();
  }
}
