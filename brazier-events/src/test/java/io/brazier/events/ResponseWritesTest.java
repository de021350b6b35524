package io.brazier.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.events.ResponseWrites.Exchange;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseWritesTest {
  private static final String OBSERVATION = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"meta\":"
      + "{\"versionId\":\"2\",\"lastUpdated\":\"2026-12-05T05:00:00Z\"},\"subject\":{\"reference\":\"Patient/p1\"}}";

  @Test
  void aCreatedOrUpdatedResourceIsOneWrite() {
    List<Written> created = ResponseWrites.of(exchange("POST", "Observation", 201, null, null, OBSERVATION));
    List<Written> updated = ResponseWrites.of(exchange("PUT", "Observation/o1", 200, null, null, OBSERVATION));

    assertThat(created).singleElement().satisfies(w -> {
      assertThat(w.action()).isEqualTo(Written.Action.CREATED);
      assertThat(w.reference()).isEqualTo("Observation/o1");
      assertThat(w.version()).isEqualTo("2");
      assertThat(w.resource()).isNotNull();
    });
    assertThat(updated).extracting(Written::action).containsExactly(Written.Action.UPDATED);
  }

  @Test
  void aMinimalAnswerIsReadFromItsLocation() {
    List<Written> created = ResponseWrites.of(exchange("POST", "Patient", 201,
        "http://fhir.example/fhir/Patient/p9/_history/1", null, ""));

    assertThat(created).extracting(w -> w.reference() + " " + w.version()).containsExactly("Patient/p9 1");
  }

  @Test
  void aDeletionIsTheUrlsResource() {
    assertThat(ResponseWrites.of(exchange("DELETE", "Observation/o1", 204, null, null, "")))
        .extracting(w -> w.action() + " " + w.reference()).containsExactly("DELETED Observation/o1");
  }

  @Test
  void aBatchResponseIsEachEntryThatWroteWithTheMethodItsRequestSent() {
    String request = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
        + "{\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}},"
        + "{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/gone\"}},"
        + "{\"request\":{\"method\":\"PUT\",\"url\":\"Patient/bad\"}}]}";
    String response = "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":["
        + "{\"resource\":" + OBSERVATION + ",\"response\":{\"status\":\"201 Created\"}},"
        + "{\"response\":{\"status\":\"204 No Content\"}},"
        + "{\"response\":{\"status\":\"400 Bad Request\"}}]}";

    List<Written> writes = ResponseWrites.of(exchange("POST", "", 200, null, request, response));

    assertThat(writes).extracting(w -> w.action() + " " + w.reference())
        .containsExactly("CREATED Observation/o1", "DELETED Patient/gone");
  }

  @Test
  void theReadsOfABatchAreNoWritesThoughAnsweredOk() {
    String request = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
        + "{\"request\":{\"method\":\"GET\",\"url\":\"Observation/o1\"}},"
        + "{\"request\":{\"method\":\"HEAD\",\"url\":\"Observation/o1\"}},"
        + "{\"request\":{\"method\":\"PUT\",\"url\":\"Observation/o1\"}}]}";
    String response = "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":["
        + "{\"resource\":" + OBSERVATION + ",\"response\":{\"status\":\"200 OK\"}},"
        + "{\"response\":{\"status\":\"200 OK\",\"location\":\"Observation/o1/_history/2\"}},"
        + "{\"resource\":" + OBSERVATION + ",\"response\":{\"status\":\"200 OK\"}}]}";

    List<Written> writes = ResponseWrites.of(exchange("POST", "", 200, null, request, response));

    assertThat(writes).extracting(w -> w.action() + " " + w.reference()).containsExactly("UPDATED Observation/o1");
  }

  @Test
  void aConditionalCreateThatMatchedWroteNothing() {
    String request = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
        + "{\"request\":{\"method\":\"POST\",\"url\":\"Observation\",\"ifNoneExist\":\"identifier=a|1\"}},"
        + "{\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
    String response = "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":["
        + "{\"resource\":" + OBSERVATION + ",\"response\":{\"status\":\"200 OK\"}},"
        + "{\"resource\":" + OBSERVATION + ",\"response\":{\"status\":\"201 Created\"}}]}";

    assertThat(ResponseWrites.of(exchange("POST", "Observation", 200, null, null, OBSERVATION))).isEmpty();
    assertThat(ResponseWrites.of(exchange("POST", "", 200, null, request, response)))
        .extracting(w -> w.action() + " " + w.reference()).containsExactly("CREATED Observation/o1");
  }

  @Test
  void aPostedSearchIsOneUpdateOfABundleAsTheOriginalPublishedIt() {
    String searchset = "{\"resourceType\":\"Bundle\",\"id\":\"s1\",\"type\":\"searchset\",\"total\":0}";

    assertThat(ResponseWrites.of(exchange("POST", "Observation/_search", 200, null, null, searchset)))
        .extracting(w -> w.action() + " " + w.reference()).containsExactly("UPDATED Bundle/s1");
  }

  @Test
  void readsAndFailuresWriteNothing() {
    assertThat(ResponseWrites.of(exchange("GET", "Observation/o1", 200, null, null, OBSERVATION))).isEmpty();
    assertThat(ResponseWrites.of(exchange("POST", "Observation", 400, null, null, "{}"))).isEmpty();
  }

  @Test
  void aCreateAnsweredWithAnOperationOutcomeIsTheResourceItsLocationNames() {
    String outcome = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"information\","
        + "\"code\":\"informational\"}]}";

    List<Written> created = ResponseWrites.of(exchange("POST", "Observation", 201,
        "http://fhir.example/fhir/Observation/o7/_history/1", null, outcome));
    List<Written> validated = ResponseWrites.of(exchange("POST", "Observation/$validate", 200, null, null, outcome));

    assertThat(created).extracting(w -> w.action() + " " + w.reference() + " " + w.version())
        .containsExactly("CREATED Observation/o7 1");
    assertThat(validated).as("an operation's outcome is no write").isEmpty();
  }

  @Test
  void batchEntriesAnsweredMinimallyAreReadFromTheirLocations() {
    String request = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
        + "{\"request\":{\"method\":\"PUT\",\"url\":\"Patient/p2\"}},"
        + "{\"request\":{\"method\":\"DELETE\",\"url\":\"http://fhir.example/fhir/Observation/o3\"}},"
        + "{\"request\":{\"method\":\"DELETE\",\"url\":\"Observation?code=x\"}}]}";
    String response = "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\",\"entry\":["
        + "{\"response\":{\"status\":\"201 Created\",\"location\":\"Patient/p2/_history/1\"}},"
        + "{\"response\":{\"status\":\"204 No Content\"}},"
        + "{\"response\":{\"status\":\"204 No Content\"}}]}";

    List<Written> writes = ResponseWrites.of(exchange("POST", "", 200, null, request, response));

    assertThat(writes).extracting(w -> w.action() + " " + w.reference())
        .as("a conditional delete names no resource, so it is left out rather than guessed")
        .containsExactly("CREATED Patient/p2", "DELETED Observation/o3");
  }

  @Test
  void aConditionalDeleteEntryIsNoWriteThoughItsCriteriaEndInWhatLooksLikeAResource() {
    String request = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
        + "{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient?identifier=http://acme.org/Patient/p9\"}}]}";
    String response = "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":["
        + "{\"response\":{\"status\":\"204 No Content\"}}]}";

    assertThat(ResponseWrites.of(exchange("POST", "", 200, null, request, response))).isEmpty();
  }

  @Test
  void aBodyThatIsNotJsonFallsBackToTheLocation() {
    List<Written> updated = ResponseWrites.of(exchange("PUT", "Patient/p4", 200,
        "http://fhir.example/fhir/Patient/p4/_history/3", null, "<Patient xmlns=\"http://hl7.org/fhir\"/>"));
    List<Written> none = ResponseWrites.of(exchange("PUT", "Patient/p4", 200, null, null, "not json"));

    assertThat(updated).extracting(w -> w.action() + " " + w.reference() + " " + w.version())
        .containsExactly("UPDATED Patient/p4 3");
    assertThat(none).isEmpty();
  }

  @Test
  void aLocationThatNamesNoResourceIsNoWrite() {
    assertThat(ResponseWrites.of(exchange("POST", "Patient", 201, "http://fhir.example/fhir/", null, ""))).isEmpty();
    assertThat(ResponseWrites.of(exchange("POST", "Patient", 201, "Patient/../../etc", null, ""))).isEmpty();
  }

  private static Exchange exchange(String method, String path, int status, String location, String request,
      String response) {
    return new Exchange(method, path, status, location,
        request == null ? null : request.getBytes(StandardCharsets.UTF_8), response.getBytes(StandardCharsets.UTF_8),
        "10.0.0.7");
  }
}
