package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.FhirException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InterceptorTest {
  private static final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private static final Caller ALICE = new Caller("https://issuer", "alice", "app", Set.of("Writer"), Set.of(), null, null, null);
  private static TestServer server;
  private static Http http;

  /** Records what it sees; refuses requests for Basic and entries that create Group; names its caller alice. */
  private static final class Recording implements Interceptor {
    private final String name;

    Recording(String name) {
      this.name = name;
    }

    @Override
    public FhirRequest before(FhirRequest request) {
      calls.add(name + ".before " + request.interaction().code() + (request.isEntry() ? " entry" : "")
          + (request.caller().subject() == null ? "" : " by " + request.caller().subject()));
      if ("Basic".equals(request.type())) {
        throw new FhirException(403, IssueType.FORBIDDEN, "No Basic for you.");
      }
      if (request.isEntry() && "Group".equals(request.type())) {
        throw new FhirException(403, IssueType.FORBIDDEN, "No Group entries.");
      }
      return request.isEntry() ? request : request.withCaller(ALICE);
    }

    @Override
    public FhirResponse after(FhirRequest request, FhirResponse response) {
      calls.add(name + ".after " + response.status());
      return response;
    }
  }

  /** Narrows every Patient search to one family, as patient isolation narrows searches to a compartment. */
  private static final class Narrowing implements Interceptor {
    @Override
    public FhirRequest before(FhirRequest request) {
      if (request.interaction() != FhirInteraction.SEARCH_TYPE || !"Patient".equals(request.type())) {
        return request;
      }
      Map<String, List<String>> query = new LinkedHashMap<>(request.query());
      query.put("family", List.of("Narrowed"));
      return request.withQuery(query);
    }
  }

  /** Replaces a 404 by a 418 carrying its own outcome, and breaks after reading Device. */
  private static final class Replacing implements Interceptor {
    @Override
    public FhirResponse after(FhirRequest request, FhirResponse response) {
      if ("Device".equals(request.type()) && request.interaction() == FhirInteraction.READ) {
        throw new IllegalStateException("an interceptor broke");
      }
      return response.status() == 404
          ? FhirResponse.of(418, new OperationOutcome().addIssue(new OperationOutcome.OperationOutcomeIssueComponent()
              .setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(IssueType.NOTFOUND)
              .setDiagnostics("replaced")))
          : response;
    }
  }

  @BeforeAll
  static void start() {
    server = TestServer.onSharedStore(ServerConfig.defaults(),
        List.of(new Recording("first"), new Recording("second"), new Narrowing(), new Replacing()));
    http = server.http();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void clear() {
    calls.clear();
  }

  @Test
  void beforeStepsRunInOrderAndAfterStepsInReverseWithWhatTheFirstMadeOfTheCaller() {
    Http.Response response = http.get("/fhir/metadata");

    assertThat(response.status()).isEqualTo(200);
    assertThat(calls).containsExactly("first.before capabilities", "second.before capabilities by alice",
        "second.after 200", "first.after 200");
  }

  @Test
  void aRefusalAnswersItsStatusAndOutcomeAndTheInteractionNeverRuns() {
    long before = TestServer.shared().lastChange();

    Http.Response response = http.post("/fhir/Basic", "{\"resourceType\":\"Basic\",\"code\":{\"text\":\"x\"}}");

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.resource(OperationOutcome.class).getIssueFirstRep().getDiagnostics())
        .isEqualTo("No Basic for you.");
    assertThat(TestServer.shared().changesSince(before)).isEmpty();
    assertThat(calls).containsExactly("first.before create", "second.after 403", "first.after 403");
  }

  @Test
  void aChangedRequestIsWhatRuns() {
    String family = "Narrowed";
    String other = "Other" + UUID.randomUUID().toString().substring(0, 8);
    http.post("/fhir/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
    http.post("/fhir/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + other + "\"}]}");

    Bundle found = http.get("/fhir/Patient?family=" + other).resource(Bundle.class);

    assertThat(found.getEntry()).isNotEmpty().allSatisfy(entry ->
        assertThat(((Patient) entry.getResource()).getNameFirstRep().getFamily()).isEqualTo(family));
  }

  @Test
  void anAfterStepMayReplaceTheAnswer() {
    Http.Response response = http.get("/fhir/Patient/no-such-patient");

    assertThat(response.status()).isEqualTo(418);
    assertThat(response.resource(OperationOutcome.class).getIssueFirstRep().getDiagnostics()).isEqualTo("replaced");
  }

  @Test
  void anAfterStepThatBreaksIsAnInternalErrorWithAnIncidentForTheStepsBeforeIt() {
    String id = http.post("/fhir/Device", "{\"resourceType\":\"Device\"}").resource(Device.class).getIdPart();
    calls.clear();

    Http.Response response = http.get("/fhir/Device/" + id);

    assertThat(response.status()).isEqualTo(500);
    assertThat(response.resource(OperationOutcome.class).getIssueFirstRep().getDiagnostics()).contains("incident");
    assertThat(calls).endsWith("second.after 500", "first.after 500");
  }

  @Test
  void everyBatchEntryIsInterceptedWithItsBundlesCallerAndARefusedEntryAnswersAlone() {
    Bundle response = http.post("/fhir", batch("batch")).resource(Bundle.class);

    assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus())
        .containsExactly("201 Created", "403 Forbidden");
    assertThat(calls).contains("first.before create entry by alice", "second.before create entry by alice",
        "second.after 201", "first.after 201");
    assertThat(calls.get(0)).isEqualTo("first.before batch/transaction");
  }

  @Test
  void aRefusedTransactionEntryFailsTheWholeTransaction() {
    long before = TestServer.shared().lastChange();

    Http.Response response = http.post("/fhir", batch("transaction"));

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.resource(OperationOutcome.class).getIssueFirstRep().getDiagnostics())
        .contains("No Group entries.");
    assertThat(TestServer.shared().changesSince(before)).isEmpty();
  }

  @Test
  void inProcessRequestsGoThroughTheSameChain() {
    FhirRequest request = FhirRequest.builder("GET", "Patient/no-such-patient").baseUrl(server.baseUrl()).build();

    FhirResponse response = server.api().handle(request);

    assertThat(response.status()).isEqualTo(418);
    assertThat(calls).containsExactly("first.before read", "second.before read by alice", "second.after 418",
        "first.after 418");
  }

  private static String batch(String type) {
    return "{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":["
        + "{\"resource\":{\"resourceType\":\"Patient\"},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
        + "{\"resource\":{\"resourceType\":\"Group\",\"type\":\"person\",\"actual\":true},"
        + "\"request\":{\"method\":\"POST\",\"url\":\"Group\"}}]}";
  }
}
