package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class ReadTest {
  private final IGenericClient client = TestServer.shared().client();
  private final Http http = TestServer.shared().http();

  @Test
  void aCreatedResourceReadsBackWithServerMeta() {
    IIdType id = client.create().resource(patient("Chalmers")).execute().getId();

    Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();

    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Chalmers");
    assertThat(read.getMeta().getVersionId()).isEqualTo("1");
    assertThat(read.getMeta().getLastUpdated()).isNotNull();
  }

  @Test
  void readAnswersWithEtagAndLastModified() {
    IIdType id = client.create().resource(patient("Headers")).execute().getId();

    Http.Response response = http.get("/fhir/Patient/" + id.getIdPart());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("ETag")).hasValue("W/\"1\"");
    assertThat(response.header("Last-Modified")).hasValueSatisfying(value ->
        assertThat(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)).isNotNull());
    assertThat(response.header("Content-Type")).hasValueSatisfying(type ->
        assertThat(type).startsWith("application/fhir+json"));
  }

  @Test
  void headAnswersTheHeadersOfAReadWithoutTheBody() {
    IIdType id = client.create().resource(patient("Head")).execute().getId();

    Http.Response response = http.send("HEAD", "/fhir/Patient/" + id.getIdPart(), null);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("ETag")).hasValue("W/\"1\"");
    assertThat(response.bytes()).isEmpty();
  }

  @Test
  void ifNoneMatchOnTheCurrentVersionIsNotModified() {
    IIdType id = client.create().resource(patient("Cached")).execute().getId();
    String path = "/fhir/Patient/" + id.getIdPart();

    Http.Response current = http.get(path, "If-None-Match", "W/\"1\"");
    Http.Response any = http.get(path, "If-None-Match", "*");
    Http.Response older = http.get(path, "If-None-Match", "W/\"0\"");

    assertThat(current.status()).isEqualTo(304);
    assertThat(current.bytes()).isEmpty();
    assertThat(current.header("ETag")).hasValue("W/\"1\"");
    assertThat(any.status()).isEqualTo(304);
    assertThat(older.status()).isEqualTo(200);
  }

  @Test
  void ifModifiedSinceTheLastUpdateIsNotModified() {
    IIdType id = client.create().resource(patient("Dated")).execute().getId();
    String path = "/fhir/Patient/" + id.getIdPart();
    String lastModified = http.get(path).header("Last-Modified").orElseThrow();
    String hourEarlier = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME).minusHours(1));

    assertThat(http.get(path, "If-Modified-Since", lastModified).status()).isEqualTo(304);
    assertThat(http.get(path, "If-Modified-Since", hourEarlier).status()).isEqualTo(200);
  }

  @Test
  void theHapiClientReadsOnlyWhenItsCopyIsStale() {
    IIdType id = client.create().resource(patient("Hapi")).execute().getId();

    Patient unchanged = client.read().resource(Patient.class).withId(id.getIdPart()).ifVersionMatches("1")
        .returnNull().execute();

    assertThat(unchanged).isNull();
  }

  @Test
  void readOfAnInvalidIdOrUnknownTypeIsRefused() {
    http.refused(400, "GET", "/fhir/Patient/" + "x".repeat(65), (byte[]) null);
    http.refused(400, "GET", "/fhir/Patient/a%20b", (byte[]) null);
    http.refused(404, "GET", "/fhir/Unicorn/1", (byte[]) null);
    http.refused(404, "GET", "/fhir/patient/1", (byte[]) null);
  }

  @Test
  void readOfAnUnknownResourceIsNotFound() {
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId("no-such-patient").execute())
        .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> assertThat(e.getOperationOutcome()).isNotNull());
  }

  @Test
  void readOfADeletedResourceIsGoneWithAnOperationOutcome() {
    IIdType id = client.create().resource(patient("Gone")).execute().getId();
    client.delete().resourceById(id.toVersionless()).execute();

    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id.getIdPart()).execute())
        .isInstanceOfSatisfying(ResourceGoneException.class, e -> assertThat(e.getOperationOutcome()).isNotNull());
  }

  static Patient patient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven("Peter");
    return patient;
  }
}
