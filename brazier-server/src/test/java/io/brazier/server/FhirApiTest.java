package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.http.Rendering;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * The one entry of the server: a request answers the same whether it comes over HTTP or in process, errors and bundle
 * entries included, and whatever fails becomes an OperationOutcome response.
 */
class FhirApiTest {
  private static final String JSON = "application/fhir+json";
  /** What legitimately differs between two runs of one request: new ids, times, bundle ids. */
  private static final List<Pattern> VARYING = List.of(
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
      Pattern.compile("\\b[0-9a-z]{16}\\b"),
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)"));

  private final TestServer server = TestServer.shared();
  private final Rendering rendering = new Rendering(server.fhir());
  private final String tag = UUID.randomUUID().toString();

  /** A request as both channels send it. */
  private record Sent(String method, String url, String body, String contentType, String... headers) {}

  @Test
  void everyRequestAnswersTheSameOverHttpAndInProcessErrorsAndBundleEntriesIncluded() {
    String id = create("{\"resourceType\":\"Patient\",\"meta\":{\"tag\":[{\"system\":\"urn:api\",\"code\":\"" + tag
        + "\"}]},\"name\":[{\"family\":\"Same\"}]}");
    String gone = create("{\"resourceType\":\"Patient\"}");
    server.http().send("DELETE", "/fhir/Patient/" + gone, null);
    List<Sent> requests = List.of(
        new Sent("GET", "Patient/" + id, null, null),
        new Sent("GET", "Patient/" + id + "?_format=xml&_pretty=true", null, null),
        new Sent("GET", "Patient?_tag=urn:api%7C" + tag, null, null),
        new Sent("POST", "Patient", "{\"resourceType\":\"Patient\",\"active\":true}", JSON),
        new Sent("POST", "Patient", "{\"resourceType\":\"Patient\",\"favouriteColour\":\"green\"}", JSON),
        new Sent("GET", "Patient/never-was", null, null),
        new Sent("DELETE", "", null, null),
        new Sent("GET", "Patient/" + gone, null, null),
        new Sent("PUT", "Patient/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}", JSON,
            "If-Match", "W/\"99\""),
        new Sent("PATCH", "Patient/" + id, "[{\"op\":\"test\",\"path\":\"/active\",\"value\":false}]",
            "application/json-patch+json"),
        new Sent("POST", "", batch(id, gone), JSON),
        new Sent("POST", "", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
            + "{\"resourceType\":\"Patient\",\"gender\":\"robot\"},"
            + "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}", JSON));

    List<Integer> statuses = new ArrayList<>();

    for (Sent request : requests) {
      Http.Response overHttp = overHttp(request);
      Answer inProcess = inProcess(request);

      assertThat(inProcess.status()).as(request.method() + " " + request.url()).isEqualTo(overHttp.status());
      assertThat(comparable(inProcess.body())).as(request.method() + " " + request.url())
          .isEqualTo(comparable(overHttp.body()));
      statuses.add(overHttp.status());
    }
    assertThat(statuses).contains(200, 201, 400, 404, 405, 410, 412, 422);
    assertThat(server.http().post("/fhir", batch(id, gone)).resource(Bundle.class).getEntry())
        .extracting(entry -> entry.getResponse().getStatus().substring(0, 3))
        .containsExactly("200", "404", "400", "405", "410");
  }

  @Test
  void aFailureNoInteractionExpectedStillAnswersAnOperationOutcome() {
    Interceptor bottomless = new Interceptor() {
      @Override
      public FhirRequest before(FhirRequest request) {
        return before(request.withHeader("X-Depth", "again"));
      }
    };
    FhirApi api = new FhirApi(server.fhir(), server.store(), ServerConfig.defaults(), List.of(bottomless));

    FhirResponse response = api.handle(FhirRequest.builder("GET", "Patient/any").build());

    assertThat(response.status()).isEqualTo(500);
    OperationOutcome outcome = (OperationOutcome) response.resource();
    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(IssueType.EXCEPTION);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).startsWith("Internal error, incident ");
  }

  /** A batch whose entries answer 200, 404, 400, 405 and 410. */
  private static String batch(String id, String gone) {
    return "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
        + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/" + id + "\"}},"
        + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/never-was\"}},"
        + "{\"resource\":{\"resourceType\":\"Patient\",\"x\":1},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
        + "{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/" + id + "/_history/1\"}},"
        + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/" + gone + "\"}}]}";
  }

  private String create(String patient) {
    return server.http().post("/fhir/Patient", patient).resource(Patient.class).getIdPart();
  }

  private Http.Response overHttp(Sent request) {
    String[] headers = request.contentType() == null ? request.headers() : withContentType(request);
    byte[] body = request.body() == null ? null : request.body().getBytes(StandardCharsets.UTF_8);
    return server.http().send(request.method(), "/fhir/" + request.url(), body, headers);
  }

  private static String[] withContentType(Sent request) {
    String[] headers = new String[request.headers().length + 2];
    headers[0] = "Content-Type";
    headers[1] = request.contentType();
    System.arraycopy(request.headers(), 0, headers, 2, request.headers().length);
    return headers;
  }

  private record Answer(int status, String body) {}

  /** The request through {@link FhirApi}, rendered as the HTTP adapter renders answers. */
  private Answer inProcess(Sent request) {
    FhirRequest.Builder builder = FhirRequest.builder(request.method(), request.url()).baseUrl(server.baseUrl());
    if (request.body() != null) {
      builder.body(request.body().getBytes(StandardCharsets.UTF_8), request.contentType());
    }
    for (int i = 0; i < request.headers().length; i += 2) {
      builder.header(request.headers()[i], request.headers()[i + 1]);
    }
    FhirRequest built = builder.build();
    FhirResponse response = server.api().handle(built);
    return new Answer(response.status(), response.hasBody()
        ? new String(rendering.render(built, response), StandardCharsets.UTF_8) : "");
  }

  private static String comparable(String body) {
    String comparable = body;
    for (Pattern varying : VARYING) {
      comparable = varying.matcher(comparable).replaceAll("~");
    }
    return comparable;
  }
}
