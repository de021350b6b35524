package io.brazier.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class FormatsTest {
  private static final String JSON_PATIENT = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Json\"}]}";
  private static final String XML_PATIENT =
      "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"Xml\"/></name></Patient>";

  private final TestServer server = TestServer.shared();
  private final Http http = server.http();

  @Test
  void anXmlBodyIsAnsweredInXml() {
    Http.Response response = http.post("/fhir/Patient", XML_PATIENT, "Content-Type", "application/fhir+xml");

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.header("Content-Type")).hasValueSatisfying(type ->
        assertThat(type).startsWith("application/fhir+xml"));
    assertThat(response.resource(Patient.class).getNameFirstRep().getFamily()).isEqualTo("Xml");
  }

  @Test
  void acceptChoosesTheAnswersFormatWhateverTheBodys() {
    Http.Response xml = http.post("/fhir/Patient", JSON_PATIENT, "Accept", "application/fhir+xml");
    Http.Response json = http.post("/fhir/Patient", XML_PATIENT,
        "Content-Type", "application/fhir+xml", "Accept", "application/fhir+json");

    assertThat(xml.body()).startsWith("<Patient");
    assertThat(json.body()).startsWith("{\"resourceType\":\"Patient\"");
  }

  @Test
  void formatParameterWinsOverAccept() {
    String path = "/fhir/Patient/" + created();

    assertThat(http.get(path + "?_format=xml", "Accept", "application/fhir+json").body()).startsWith("<Patient");
    assertThat(http.get(path + "?_format=application/fhir%2Bxml").body()).startsWith("<Patient");
    assertThat(http.get(path + "?_format=json", "Accept", "application/fhir+xml").body()).startsWith("{");
  }

  @Test
  void acceptTakesTheFormatOfHighestQuality() {
    String path = "/fhir/Patient/" + created();

    assertThat(http.get(path, "Accept", "application/fhir+xml;q=0.5, application/fhir+json").body()).startsWith("{");
    assertThat(http.get(path, "Accept", "application/fhir+json;q=0.8, application/fhir+xml;q=0.9").body())
        .startsWith("<Patient");
    assertThat(http.get(path, "Accept", "application/fhir+xml;q=0, application/json;q=0.1").body()).startsWith("{");
  }

  @Test
  void anUnescapedPlusInTheFormatParameterStillNamesXml() {
    String path = "/fhir/Patient/" + created();

    assertThat(http.get(path + "?_format=application/fhir+xml").body()).startsWith("<Patient");
  }

  @Test
  void theOlderAndPlainMediaTypesAreUnderstood() {
    String path = "/fhir/Patient/" + created();

    assertThat(http.get(path, "Accept", "application/xml").body()).startsWith("<Patient");
    assertThat(http.get(path, "Accept", "application/xml+fhir").body()).startsWith("<Patient");
    assertThat(http.get(path, "Accept", "text/html,application/xhtml+xml,*/*;q=0.8").body()).startsWith("{");
    assertThat(http.post("/fhir/Patient", JSON_PATIENT, "Content-Type", "application/json; charset=utf-8").status())
        .isEqualTo(201);
  }

  @Test
  void aResourceReadsTheSameInBothFormats() {
    String path = "/fhir/Patient/" + created();

    Patient json = http.get(path).resource(Patient.class);
    Patient xml = http.get(path, "Accept", "application/fhir+xml").resource(Patient.class);

    assertThat(xml.equalsDeep(json)).isTrue();
  }

  @Test
  void theHapiClientWorksInXml() {
    IGenericClient client = server.client();
    client.setEncoding(EncodingEnum.XML);
    Patient patient = new Patient();
    patient.addName().setFamily("HapiXml");

    String id = client.create().resource(patient).execute().getId().getIdPart();

    assertThat(client.read().resource(Patient.class).withId(id).execute().getNameFirstRep().getFamily())
        .isEqualTo("HapiXml");
  }

  @Test
  void aBodyOfAnotherMediaTypeIsUnsupported() {
    http.refused(415, "POST", "/fhir/Patient", JSON_PATIENT, "Content-Type", "text/plain");
    http.refused(415, "POST", "/fhir/Patient", "name=x", "Content-Type", "application/x-www-form-urlencoded");
  }

  @Test
  void anUnknownFormatParameterIsRefused() {
    http.refused(400, "GET", "/fhir/Patient/" + created() + "?_format=yaml", (byte[]) null);
  }

  private String created() {
    return http.post("/fhir/Patient", JSON_PATIENT).resource(Patient.class).getIdPart();
  }
}
