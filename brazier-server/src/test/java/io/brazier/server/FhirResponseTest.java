package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.ResourceVersion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * What an interaction answers: status, the headers of a version (ETag, Last-Modified, Location) and the body
 * {@code Prefer: return} asks for. https://hl7.org/fhir/R4/http.html#create and RFC 9110 for the headers.
 */
class FhirResponseTest {
  private static final ResourceVersion VERSION = new ResourceVersion("Patient", "p1", 3,
      Instant.parse("2024-05-01T08:09:10.123Z"), false, "{}".getBytes(StandardCharsets.UTF_8));

  @Test
  void aReadCarriesTheStoredVersionWithItsETagAndLastModified() {
    FhirResponse response = FhirResponse.ok(VERSION);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.stored()).isSameAs(VERSION);
    assertThat(response.version()).isSameAs(VERSION);
    assertThat(response.headers()).containsEntry("ETag", "W/\"3\"");
    assertThat(response.hasBody()).isTrue();
  }

  @Test
  void lastModifiedIsAnHttpDateWithATwoDigitDay() {
    // RFC 9110 5.6.7: IMF-fixdate, as "Sun, 06 Nov 1994 08:49:37 GMT"; the seconds' fraction is dropped.
    assertThat(FhirResponse.ok(VERSION).headers()).containsEntry("Last-Modified", "Wed, 01 May 2024 08:09:10 GMT");
  }

  @Test
  void notModifiedHasTheVersionsHeadersAndNoBody() {
    FhirResponse response = FhirResponse.notModified(VERSION);

    assertThat(response.status()).isEqualTo(304);
    assertThat(response.headers()).containsKeys("ETag", "Last-Modified");
    assertThat(response.hasBody()).isFalse();
  }

  @Test
  void aWriteLocatesTheVersionWrittenBelowTheBase() {
    FhirResponse response = FhirResponse.written(request(null), 201, VERSION);

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.headers()).containsEntry("Location", "http://example.org/fhir/Patient/p1/_history/3")
        .containsEntry("ETag", "W/\"3\"").containsKey("Last-Modified");
  }

  @Test
  void preferReturnDecidesTheBodyOfAWrite() {
    FhirResponse minimal = FhirResponse.written(request("return=minimal"), 201, VERSION);
    FhirResponse representation = FhirResponse.written(request("return=representation"), 201, VERSION);
    FhirResponse outcome = FhirResponse.written(request("return=OperationOutcome"), 200, VERSION);

    assertThat(minimal.hasBody()).isFalse();
    assertThat(representation.stored()).isSameAs(VERSION);
    assertThat(outcome.resource()).isInstanceOfSatisfying(OperationOutcome.class, o ->
        assertThat(o.getIssueFirstRep().getDiagnostics()).contains("Updated Patient/p1 at version 3"));
    assertThat(minimal.version()).as("the version, whatever the body").isSameAs(VERSION);
  }

  @Test
  void bodiesThatAreNotStoredVersions() {
    assertThat(FhirResponse.ok(new Patient()).hasBody()).isTrue();
    assertThat(FhirResponse.empty(204).hasBody()).isFalse();
    FhirResponse manifest = FhirResponse.raw(200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(manifest.contentType()).isEqualTo("application/json");
    assertThat(manifest.hasBody()).isTrue();
    assertThat(FhirResponse.streamed(200, "application/fhir+ndjson", out -> { }).hasBody()).isTrue();
    assertThat(FhirResponse.ok(new ResourceVersion("Patient", "p1", 2, Instant.EPOCH, true, null)).hasBody())
        .as("a deleted version has no JSON").isFalse();
  }

  @Test
  void anAnswerNamesItsInteractionOnceRouted() {
    FhirResponse response = FhirResponse.empty(204);

    assertThat(response.answeredBy()).isEqualTo("unknown");
    assertThat(response.answeredBy("Delete").answeredBy()).isEqualTo("Delete");
  }

  private static FhirRequest request(String prefer) {
    FhirRequest.Builder builder = FhirRequest.builder("POST", "Patient").baseUrl("http://example.org/fhir");
    return (prefer == null ? builder : builder.header("Prefer", prefer)).build();
  }
}
