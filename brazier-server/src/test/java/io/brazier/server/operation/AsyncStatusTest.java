package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Http;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.store.JobStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

/** Polling and cancelling background jobs through /_async/[id], on any node of one database. */
class AsyncStatusTest {
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  private final TestServer server = TestServer.shared();
  private final Http http = server.http();

  @Test
  void aJobSubmittedOnOneNodeIsPolledToCompletionThroughAnother() {
    String status;
    try (TestServer other = TestServer.onSharedStore(ServerConfig.defaults())) {
      Http.Response started = other.http().post("/fhir/Patient/$reindex", "", "Prefer", "respond-async");
      status = started.header("Content-Location").orElseThrow();
      assertThat(started.status()).isEqualTo(202);
    }
    // The node that took the job is gone: its job, queued again if it was running, is finished by this one.

    Http.Response polled = poll(path(status));

    assertThat(polled.status()).as(polled.body()).isEqualTo(200);
    assertThat(polled.resource(OperationOutcome.class).getIssueFirstRep().getDiagnostics()).startsWith("Reindexed");
  }

  @Test
  void aJobThatWaitsOrRunsAnswers202WithItsProgress() {
    JobStore jobs = server.store().jobs();
    String kind = "test-" + UUID.randomUUID(); // no runner knows it: the job stays where the test puts it
    String id = jobs.submit(kind, "{}", null);

    Http.Response queued = http.get("/fhir/_async/" + id);
    jobs.claim("test-node", Set.of(kind), Duration.ofMinutes(5));
    jobs.heartbeat(id, "test-node", 5, 10L, "{}", Duration.ofMinutes(5));
    Http.Response running = http.get("/fhir/_async/" + id);

    assertThat(queued.status()).isEqualTo(202);
    assertThat(queued.header("X-Progress")).hasValue("queued: 0 done");
    assertThat(running.status()).isEqualTo(202);
    assertThat(running.header("X-Progress")).hasValue("running: 5 of 10 done");
    assertThat(running.header("Retry-After")).hasValue("2");
    for (Http.Response waiting : List.of(queued, running)) {
      assertThat(waiting.bytes()).isEmpty();
      assertThat(waiting.header("Content-Type")).as("the type of no body").isEmpty();
    }
  }

  @Test
  void aFailedJobAnswersItsOperationOutcome() {
    String missing = "never-" + UUID.randomUUID();
    Http.Response started = http.post("/fhir/Patient/" + missing + "/$reindex", "", "Prefer", "respond-async");

    Http.Response polled = poll(path(started.header("Content-Location").orElseThrow()));

    assertThat(polled.status()).isEqualTo(404);
    assertThat(polled.resource(OperationOutcome.class).getIssueFirstRep().getDiagnostics())
        .contains("Patient/" + missing);
  }

  @Test
  void aCancelledJobIsAcceptedThenNotFound() {
    Http.Response started = http.post("/fhir/Patient/$reindex", "", "Prefer", "respond-async");
    String status = path(started.header("Content-Location").orElseThrow());

    Http.Response cancelled = http.send("DELETE", status, null);

    assertThat(cancelled.status()).isEqualTo(202);
    http.refused(404, "GET", status, (byte[]) null);
    http.refused(404, "DELETE", status, (byte[]) null);
  }

  @Test
  void anUnknownJobIsNotFound() {
    http.refused(404, "GET", "/fhir/_async/" + UUID.randomUUID(), (byte[]) null);
    http.refused(404, "GET", "/fhir/_async/not-a-job", (byte[]) null);
    http.refused(404, "DELETE", "/fhir/_async/" + UUID.randomUUID(), (byte[]) null);
  }

  private Http.Response poll(String status) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      Http.Response response = http.get(status);
      if (response.status() != 202) {
        return response;
      }
      LockSupport.parkNanos(50_000_000);
    }
    throw new AssertionError(status + " did not end within " + DEADLINE);
  }

  /** The path of a status URL, to poll it on the shared server whichever node gave it. */
  private static String path(String url) {
    return url.substring(url.indexOf("/fhir/"));
  }
}
