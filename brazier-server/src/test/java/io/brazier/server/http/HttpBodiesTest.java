package io.brazier.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Http;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpBodiesTest {
  private static final int LIMIT = 4096;
  private static TestServer limited;

  private final Http http = TestServer.shared().http();

  @BeforeAll
  static void startALimitedServer() {
    limited = TestServer.onSharedStore(ServerConfig.builder().maxBodyBytes(LIMIT).build());
  }

  @AfterAll
  static void stopIt() {
    limited.close();
  }

  @Test
  void aGzippedBodyIsAccepted() throws IOException {
    byte[] body = gzip(patient("Gzipped"));

    Http.Response response = http.send("POST", "/fhir/Patient", body, "Content-Encoding", "gzip");

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.resource(Patient.class).getNameFirstRep().getFamily()).isEqualTo("Gzipped");
  }

  @Test
  void aDeflatedBodyIsAccepted() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream deflater = new DeflaterOutputStream(out)) {
      deflater.write(patient("Deflated").getBytes(StandardCharsets.UTF_8));
    }

    Http.Response response = http.send("POST", "/fhir/Patient", out.toByteArray(), "Content-Encoding", "deflate");

    assertThat(response.status()).isEqualTo(201);
  }

  @Test
  void aBodyThatIsNotTheGzipItClaimsIsRefused() {
    http.refused(400, "POST", "/fhir/Patient", patient("Plain"), "Content-Encoding", "gzip");
  }

  @Test
  void anUnknownContentEncodingIsUnsupported() {
    OperationOutcome outcome = http.refused(415, "POST", "/fhir/Patient", patient("Brotli"), "Content-Encoding", "br");

    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("Content-Encoding 'br'").contains("gzip");
  }

  @Test
  void aBodyOverTheLimitIsTooLarge() {
    String big = patient("x".repeat(LIMIT));

    limited.http().refused(413, "POST", "/fhir/Patient", big);
  }

  @Test
  void aCompressedBodyThatInflatesOverTheLimitIsTooLarge() throws IOException {
    byte[] bomb = gzip(patient(" ".repeat(100 * LIMIT)));

    assertThat(bomb.length).isLessThan(LIMIT);
    limited.http().refused(413, "POST", "/fhir/Patient", bomb, "Content-Encoding", "gzip");
  }

  @Test
  void aBodyUnderTheLimitIsAccepted() {
    assertThat(limited.http().post("/fhir/Patient", patient("Small")).status()).isEqualTo(201);
  }

  @Test
  void aLargeAnswerIsGzippedWhenTheClientAcceptsIt() throws IOException {
    String family = "Long".repeat(2000);
    String id = http.post("/fhir/Patient", patient(family)).resource(Patient.class).getIdPart();

    Http.Response response = http.get("/fhir/Patient/" + id, "Accept-Encoding", "gzip");

    assertThat(response.header("Content-Encoding")).hasValue("gzip");
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.bytes()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains(family);
    }
  }

  private static String patient(String family) {
    return "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}";
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
