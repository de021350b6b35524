package io.brazier.loader.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirReply;
import io.brazier.client.Jackson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the loader tells a user about one file: the response bundle in the file's order however the answers came,
 * every entry that did not load with its original entry and the server's answer, and the reason a request failed.
 */
class AnswersTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  private final Answers answers = new Answers();

  @Test
  void theResponseBundleHoldsTheAnswersInTheFilesOrderWhateverOrderTheyCameIn() throws IOException {
    answers.ok(item(2), created("Patient/c"));
    answers.ok(item(0), created("Patient/a"));
    answers.failed(item(1), answer("400 Bad Request", "name is not a string"));

    JsonNode result = JSON.readTree(answers.result("batch"));

    assertThat(result.path("type").asText()).isEqualTo("batch-response");
    assertThat(result.path("entry").findValuesAsText("location")).containsExactly("Patient/a", "Patient/c");
    assertThat(result.path("entry").get(1).path("response").path("status").asText()).isEqualTo("400 Bad Request");
    assertThat(answers.loaded()).isEqualTo(2);
    assertThat(answers.failed()).isEqualTo(1);
  }

  @Test
  void failedAndStillThrottledEntriesAreReportedWithTheirOriginalEntries() throws IOException {
    answers.throttled(item(4), answer("429 Too Many Requests", "slow down"));
    answers.failed(item(3), answer("422 Unprocessable Entity", "birthDate is in the future"));

    JsonNode report = JSON.readTree(answers.report("patients.json"));

    assertThat(report.path("id").asText()).isEqualTo("patients.json");
    assertThat(report.path("errors")).hasSize(1);
    assertThat(report.path("errors").get(0).path("index").asInt()).isEqualTo(3);
    assertThat(report.path("errors").get(0).path("resource").path("resource").path("id").asText()).isEqualTo("p3");
    assertThat(report.path("errors").get(0).path("response").path("status").asText())
        .isEqualTo("422 Unprocessable Entity");
    assertThat(report.path("throttled").get(0).path("index").asInt()).isEqualTo(4);
    assertThat(answers.unanswered()).extracting(entry -> entry.path("index").asInt()).containsExactly(3, 4);
    assertThat(answers.failed()).isEqualTo(2);
  }

  @Test
  void withoutARefusedRequestTheReasonCountsTheFailuresAndQuotesTheFirst() {
    answers.failed(item(0), answer("422 Unprocessable Entity", "birthDate is in the future"));
    answers.throttled(item(1), answer("429 Too Many Requests", ""));

    assertThat(answers.reason()).isEqualTo("1 entries failed and 1 stayed throttled. The first: 422 Unprocessable"
        + " Entity birthDate is in the future");
  }

  @Test
  void aRequestRefusedAsAWholeFailsEachOfItsEntriesAndItsBodyIsTheReason() throws IOException {
    FhirReply reply = reply(500, "{\"resourceType\":\"OperationOutcome\"}", "x-request-id", "req-7");

    answers.refused(List.of(item(0), item(1)), reply);

    assertThat(answers.failed()).isEqualTo(2);
    assertThat(answers.reason()).isEqualTo("{\"resourceType\":\"OperationOutcome\"}");
    JsonNode report = JSON.readTree(answers.report("f.json"));
    assertThat(report.path("fhirrequestid").asText()).isEqualTo("req-7");
    assertThat(report.path("errors").findValuesAsText("diagnostics"))
        .containsOnly("The request holding this entry failed with status 500.");
  }

  @Test
  void aRefusalWithoutABodyStillSaysWhatTheServerAnswered() {
    answers.refused(List.of(item(0)), reply(502, "", null, null));

    assertThat(answers.reason()).isEqualTo("The FHIR server answered 502 without a body.");
  }

  @Test
  void aTransactionRefusedWholeCountsItsEntriesWithoutCopyingThemIntoTheReport() throws IOException {
    answers.refusedWhole(40, reply(400, "{\"issue\":[{\"diagnostics\":\"Patient/x is not known\"}]}", null, null));

    assertThat(answers.failed()).isEqualTo(40);
    assertThat(answers.reason()).contains("Patient/x is not known");
    assertThat(JSON.readTree(answers.report("t.json")).path("errors")).isEmpty();
  }

  @Test
  void anUnreachableServerFailsTheEntriesAs503WithTheReason() {
    answers.unreachable(List.of(item(0)), "Connection refused: 127.0.0.1:1");

    assertThat(answers.unanswered().get(0).path("response").path("status").asText()).startsWith("503");
    assertThat(answers.reason()).isEqualTo("Connection refused: 127.0.0.1:1");
  }

  @Test
  void aReportWithoutARequestIdHasNoneAndNothingFailed() throws IOException {
    answers.ok(item(0), created("Patient/a"));

    JsonNode report = JSON.readTree(answers.report("ok.json"));

    assertThat(report.has("fhirrequestid")).isFalse();
    assertThat(report.path("errors")).isEmpty();
    assertThat(report.path("throttled")).isEmpty();
    assertThat(answers.reason()).startsWith("0 entries failed and 0 stayed throttled.");
  }

  private static Item item(int index) {
    ObjectNode entry = JSON.createObjectNode();
    entry.putObject("resource").put("resourceType", "Patient").put("id", "p" + index);
    entry.putObject("request").put("method", "PUT").put("url", "Patient/p" + index);
    return new Item(index, entry);
  }

  private static JsonNode created(String location) {
    ObjectNode entry = JSON.createObjectNode();
    entry.putObject("response").put("status", "201 Created").put("location", location);
    return entry;
  }

  private static JsonNode answer(String status, String diagnostics) {
    ObjectNode entry = JSON.createObjectNode();
    ObjectNode response = entry.putObject("response").put("status", status);
    response.putObject("outcome").put("resourceType", "OperationOutcome").putArray("issue").addObject()
        .put("severity", "error").put("diagnostics", diagnostics);
    return entry;
  }

  private static FhirReply reply(int status, String body, String header, String value) {
    return new FhirReply(status, header == null ? Map.of() : Map.of(header, List.of(value)),
        body.getBytes(StandardCharsets.UTF_8));
  }
}
