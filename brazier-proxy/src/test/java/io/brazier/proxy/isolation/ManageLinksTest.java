package io.brazier.proxy.isolation;

import static io.brazier.proxy.isolation.TwoPatients.ADMINISTRATOR;
import static io.brazier.proxy.isolation.TwoPatients.HTTP;
import static io.brazier.proxy.isolation.TwoPatients.SECURED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.server.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

/**
 * The identity links API: an Administrator makes, finds, replaces and deletes links in JSON; anyone else is refused;
 * bad input is a 400 OperationOutcome that stores nothing, and a GET changes nothing.
 */
class ManageLinksTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final String ISSUER = SECURED.issuer().issuer();
  private static final String READER = SECURED.bearer(List.of("Reader"), List.of());

  private final String subject = "user-" + UUID.randomUUID();

  @Test
  void anAdministratorMakesFindsReplacesAndDeletesALink() {
    Http.Response made = send("POST", "/manage/link", link(subject, "Practitioner/12", "2099-01-01T00:00:00Z"));
    Http.Response replaced = send("POST", "/manage/link", link(subject, "Practitioner/13", null));
    JsonNode bySubject = json(send("GET", "/manage/link?subject=" + subject, null));
    JsonNode byResource = json(send("GET", "/manage/link?resource=Practitioner/13", null));
    JsonNode all = json(send("GET", "/manage/links", null));

    assertThat(made.status()).as(made.body()).isEqualTo(201);
    assertThat(json(made).get("expires").asText()).isEqualTo("2099-01-01T00:00:00Z");
    assertThat(replaced.status()).isEqualTo(200);
    assertThat(bySubject).hasSize(1);
    assertThat(bySubject.get(0).get("issuer").asText()).isEqualTo(ISSUER);
    assertThat(bySubject.get(0).get("resource").asText()).isEqualTo("Practitioner/13");
    assertThat(bySubject.get(0).has("expires")).isFalse();
    assertThat(byResource.findValuesAsText("subject")).contains(subject);
    assertThat(all.findValuesAsText("subject")).contains(subject);

    assertThat(send("DELETE", deletion(subject), null).status()).isEqualTo(204);
    assertThat(json(send("GET", "/manage/link?subject=" + subject, null))).isEmpty();
    HTTP.refused(404, "DELETE", deletion(subject), (byte[]) null, "Authorization", ADMINISTRATOR);
  }

  @Test
  void aLinkOfAClientIsMadeAndFoundByItsClientId() {
    String client = "app-" + UUID.randomUUID();
    String body = "{\"issuer\":\"" + ISSUER + "\",\"clientId\":\"" + client + "\",\"resource\":\"RelatedPerson/7\"}";

    assertThat(send("POST", "/manage/link", body).status()).isEqualTo(201);

    assertThat(json(send("GET", "/manage/link?clientId=" + client, null)).findValuesAsText("resource"))
        .containsExactly("RelatedPerson/7");
  }

  @Test
  void onlyAnAdministratorMayCallIt() {
    String body = link(subject, "Patient/1", null);
    for (String[] call : List.of(new String[] {"POST", "/manage/link"}, new String[] {"GET", "/manage/links"},
        new String[] {"GET", "/manage/link?subject=" + subject}, new String[] {"DELETE", deletion(subject)})) {
      byte[] bytes = call[0].equals("POST") ? body.getBytes(StandardCharsets.UTF_8) : null;
      HTTP.refused(401, call[0], call[1], bytes, "Content-Type", "application/json");
      HTTP.refused(403, call[0], call[1], bytes, "Authorization", READER, "Content-Type", "application/json");
    }
    assertThat(json(send("GET", "/manage/link?subject=" + subject, null))).isEmpty();
  }

  @Test
  void badInputIsRefusedWithAnOutcomeAndStoresNothing() {
    List<String> bodies = List.of("not json", "[]", "{\"issuer\":\"" + ISSUER + "\",\"subject\":\"" + subject + "\"}",
        "{\"subject\":\"" + subject + "\",\"resource\":\"Patient/1\"}",
        "{\"issuer\":\"not-a-url\",\"subject\":\"" + subject + "\",\"resource\":\"Patient/1\"}",
        "{\"issuer\":\"" + ISSUER + "\",\"subject\":\"" + subject + "\",\"clientId\":\"x\",\"resource\":\"Patient/1\"}",
        link(subject, "Observation/1", null), link(subject, "Patient/no spaces", null),
        link(subject, "Patient", null), link(subject, "Patient/1", "2001-01-01T00:00:00Z"),
        link(subject, "Patient/1", "tomorrow"),
        "{\"issuer\":\"" + ISSUER + "\",\"subject\":\"" + subject + "\",\"resource\":\"Patient/1\",\"role\":\"x\"}",
        "{\"issuer\":\"" + ISSUER + "\",\"subject\":7,\"resource\":\"Patient/1\"}");
    for (String body : bodies) {
      OperationOutcome refused = HTTP.refused(400, "POST", "/manage/link", body, "Authorization", ADMINISTRATOR,
          "Content-Type", "application/json");
      assertThat(refused.getIssueFirstRep().getDiagnostics()).as(body).isNotBlank();
    }
    for (String query : List.of("/manage/link", "/manage/link?subject=a&clientId=b", "/manage/link?name=a",
        "/manage/link?resource=Observation/1", "/manage/link?subject=")) {
      HTTP.refused(400, "GET", query, (byte[]) null, "Authorization", ADMINISTRATOR);
    }
    HTTP.refused(400, "DELETE", "/manage/link?subject=" + subject, (byte[]) null, "Authorization", ADMINISTRATOR);

    assertThat(json(send("GET", "/manage/link?subject=" + subject, null))).isEmpty();
  }

  private static String link(String subject, String resource, String expires) {
    return "{\"issuer\":\"" + ISSUER + "\",\"subject\":\"" + subject + "\",\"resource\":\"" + resource + "\""
        + (expires == null ? "" : ",\"expires\":\"" + expires + "\"") + "}";
  }

  private static String deletion(String subject) {
    return "/manage/link?issuer=" + URLEncoder.encode(ISSUER, StandardCharsets.UTF_8) + "&subject=" + subject;
  }

  private static Http.Response send(String method, String path, String body) {
    return HTTP.send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), "Authorization",
        ADMINISTRATOR, "Content-Type", "application/json");
  }

  private static JsonNode json(Http.Response response) {
    assertThat(response.status()).as(response.body()).isIn(200, 201);
    try {
      return JSON.readTree(response.bytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
