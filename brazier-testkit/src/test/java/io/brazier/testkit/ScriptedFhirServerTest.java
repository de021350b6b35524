package io.brazier.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.testkit.ScriptedFhirServer.Answer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A server of another make that a test scripts: its answers come in turn, and what it was asked is kept as sent. */
class ScriptedFhirServerTest {
  private final ScriptedFhirServer server = new ScriptedFhirServer("/r4");
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void theBaseUrlEndsWithTheGivenPath() {
    assertThat(server.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/r4");
  }

  @Test
  void aPathGetsItsAnswersInTurnAndTheLastOneAgainOnceTheyAreSpent() throws Exception {
    server.script("Patient?_count=1", new Answer(429, Map.of("Retry-After", "1"), ""), Answer.ok("{\"total\":1}"));

    HttpResponse<String> throttled = get("Patient?_count=1");
    HttpResponse<String> answered = get("Patient?_count=1");
    HttpResponse<String> again = get("Patient?_count=1");

    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.headers().firstValue("Retry-After")).contains("1");
    assertThat(throttled.body()).isEmpty();
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(answered.body()).isEqualTo("{\"total\":1}");
    assertThat(again.body()).isEqualTo("{\"total\":1}");
  }

  @Test
  void anythingNotScriptedIsNotFoundAndTheQueryIsPartOfThePath() throws Exception {
    server.script("Patient", Answer.ok("{}"));

    HttpResponse<String> otherQuery = get("Patient?name=x");
    HttpResponse<String> otherPath = get("Observation");

    assertThat(otherQuery.statusCode()).isEqualTo(404);
    assertThat(otherPath.statusCode()).isEqualTo(404);
    assertThat(otherPath.body()).isEmpty();
  }

  @Test
  void whatWasAskedIsKeptInOrderAsSentWithItsEncoding() throws Exception {
    get("Patient?identifier=urn%3Amrn%7C7");
    get("metadata");

    assertThat(server.asked()).containsExactly("/r4/Patient?identifier=urn%3Amrn%7C7", "/r4/metadata");
  }

  @Test
  void resetForgetsTheScriptAndWhatWasAsked() throws Exception {
    server.script("metadata", Answer.ok("{}"));
    get("metadata");

    server.reset();

    assertThat(server.asked()).isEmpty();
    assertThat(get("metadata").statusCode()).isEqualTo(404);
    assertThat(server.asked()).containsExactly("/r4/metadata");
  }

  @Test
  void clientsAskingAtOnceEachGetAnAnswerOfTheScriptInTurn() throws Exception {
    int clients = 6;
    Answer[] answers = new Answer[clients];
    for (int i = 0; i < clients; i++) {
      answers[i] = Answer.ok("answer-" + i);
    }
    server.script("Patient", answers);

    Parallel.Run<String> run = Parallel.run(clients, 1, (client, step) -> get("Patient").body());

    assertThat(run.mostAtOnce()).as("requests overlapped").isGreaterThan(1);
    assertThat(run.results()).containsExactlyInAnyOrder("answer-0", "answer-1", "answer-2", "answer-3", "answer-4",
        "answer-5");
    assertThat(server.asked()).hasSize(clients).containsOnly("/r4/Patient");
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
