package io.brazier.proxy.isolation;

import static io.brazier.proxy.isolation.TwoPatients.ADMINISTRATOR;
import static io.brazier.proxy.isolation.TwoPatients.FIRST;
import static io.brazier.proxy.isolation.TwoPatients.HTTP;
import static io.brazier.proxy.isolation.TwoPatients.SECOND;
import static io.brazier.proxy.isolation.TwoPatients.SECURED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import io.brazier.client.Jackson;
import io.brazier.server.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bulk export on a server with authentication: an export, its status, manifest and files belong to the client that
 * kicked it off (any other gets 404, as for an export that does not exist), and a token in the first patient's
 * context exports at Patient and Group level only its own compartment, never a line of the second patient's data,
 * and may not export at system level.
 */
class IsolatedExportTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  /** One token, reused: each token of {@link TwoPatients#patientToken} is of a subject of its own. */
  private static final String PATIENT = TwoPatients.patientToken(FIRST, "patient/*.rs");
  private static Set<String> secondsOnly;

  @BeforeAll
  static void load() {
    TwoPatients.load();
    secondsOnly = TwoPatients.secondsOnly();
  }

  @Test
  void anExportIsFollowedFetchedAndCancelledOnlyByTheClientThatKickedItOff() {
    String mine = backendService("exporter-a");
    String theirs = backendService("exporter-b");
    String status = kickOff("/fhir/$export?_type=Patient", mine);

    JsonNode manifest = manifest(status, mine);
    String file = path(manifest.path("output").path(0).path("url").asText());

    for (String[] request : List.of(new String[] {"GET", status}, new String[] {"GET", file},
        new String[] {"DELETE", status})) {
      HTTP.refused(404, request[0], request[1], (byte[]) null, "Authorization", theirs);
    }
    assertThat(HTTP.get(status, "Authorization", mine).status()).isEqualTo(200);
    assertThat(HTTP.get(file, "Authorization", mine).body().lines()).isNotEmpty();
    assertThat(HTTP.send("DELETE", status, null, "Authorization", mine).status()).isEqualTo(202);
    HTTP.refused(404, "GET", status, (byte[]) null, "Authorization", mine);
  }

  @Test
  void aPatientExportInAPatientContextHoldsOnlyThatPatientsCompartment() {
    Set<String> all = keys(manifest(kickOff("/fhir/Patient/$export", ADMINISTRATOR), ADMINISTRATOR), ADMINISTRATOR);
    assertThat(all).containsAnyElementsOf(secondsOnly);

    Set<String> exported = keys(manifest(kickOff("/fhir/Patient/$export", PATIENT), PATIENT), PATIENT);

    assertThat(exported).contains("Patient/" + FIRST).doesNotContainAnyElementsOf(secondsOnly)
        .isSubsetOf(TwoPatients.compartment(FIRST));
  }

  @Test
  void aGroupExportInAPatientContextLeavesTheOtherMembersOut() {
    String group = TwoPatients.created("Group", "{\"resourceType\":\"Group\",\"type\":\"person\",\"actual\":true,"
        + "\"member\":[{\"entity\":{\"reference\":\"Patient/" + FIRST + "\"}},{\"entity\":{\"reference\":\"Patient/"
        + SECOND + "\"}}]}");
    String path = "/fhir/Group/" + group + "/$export?_type=Patient,Condition";
    assertThat(keys(manifest(kickOff(path, ADMINISTRATOR), ADMINISTRATOR), ADMINISTRATOR))
        .contains("Patient/" + SECOND);

    JsonNode manifest = manifest(kickOff(path, PATIENT), PATIENT);

    assertThat(keys(manifest, PATIENT)).contains("Patient/" + FIRST).doesNotContainAnyElementsOf(secondsOnly);
    assertThat(manifest.path("error").toString()).as("the other member is not even named").doesNotContain(SECOND);
  }

  @Test
  void theOtherPatientNamedInAPostIsAsUnknownAsOneThatDoesNotExist() {
    String other = HTTP.refused(400, "POST", "/fhir/Patient/$export", parameters(SECOND), "Prefer", "respond-async",
        "Authorization", PATIENT).getIssueFirstRep().getDiagnostics();
    String nobody = HTTP.refused(400, "POST", "/fhir/Patient/$export", parameters("nobody"), "Prefer",
        "respond-async", "Authorization", PATIENT).getIssueFirstRep().getDiagnostics();

    assertThat(other.replace(SECOND, "ID")).isEqualTo(nobody.replace("nobody", "ID"));
  }

  @Test
  void aSystemExportIsRefusedToAPatientContextEvenWithASystemScope() {
    String withSystemScope = TwoPatients.patientToken(FIRST, "patient/*.rs", "system/*.read");

    HTTP.refused(403, "GET", "/fhir/$export", (byte[]) null, "Prefer", "respond-async", "Authorization", PATIENT);
    String refused = HTTP.refused(403, "GET", "/fhir/$export", (byte[]) null, "Prefer", "respond-async",
        "Authorization", withSystemScope).getIssueFirstRep().getDiagnostics();

    assertThat(refused).contains("sees only some patients' data").contains("Patient/$export");
  }

  /** A backend service's token (a system scope) of its own subject. */
  private static String backendService(String subject) {
    JWTClaimsSet claims = SECURED.issuer().claims(SECURED.baseUrl()).subject(subject)
        .claim("scope", "system/*.read").build();
    return "Bearer " + SECURED.sign(claims);
  }

  private static String kickOff(String path, String authorization) {
    Http.Response started = HTTP.get(path, "Prefer", "respond-async", "Authorization", authorization);
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    return path(started.header("Content-Location").orElseThrow());
  }

  /** Polls until the export is done; its manifest. */
  private static JsonNode manifest(String status, String authorization) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      Http.Response polled = HTTP.get(status, "Authorization", authorization);
      if (polled.status() != 202) {
        assertThat(polled.status()).as(polled.body()).isEqualTo(200);
        return tree(polled.body());
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    throw new AssertionError(status + " did not end within " + DEADLINE);
  }

  /** {@code Type/id} of every line of every output file, fetched with the token. */
  private static Set<String> keys(JsonNode manifest, String authorization) {
    Set<String> keys = new HashSet<>();
    for (JsonNode file : manifest.path("output")) {
      Http.Response fetched = HTTP.get(path(file.path("url").asText()), "Authorization", authorization);
      assertThat(fetched.status()).isEqualTo(200);
      fetched.body().lines().map(IsolatedExportTest::tree).forEach(resource -> keys.add(
          resource.path("resourceType").asText() + "/" + resource.path("id").asText()));
    }
    return keys;
  }

  private static String parameters(String patient) {
    return "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"patient\",\"valueReference\":"
        + "{\"reference\":\"Patient/" + patient + "\"}}]}";
  }

  private static String path(String url) {
    return url.substring(url.indexOf("/fhir/"));
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
