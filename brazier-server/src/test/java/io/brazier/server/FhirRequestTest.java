package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class FhirRequestTest {
  private final TestServer server = TestServer.shared();

  @Test
  void aBuiltRequestIsSplitAndDecodedAsAnHttpOneWouldBe() {
    FhirRequest request = FhirRequest.builder("get", "Observation?code=http%3A%2F%2Floinc.org%7C8867-4&_count=5")
        .header("accept", "application/fhir+xml").baseUrl("http://example.org/fhir").build();

    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.segments()).containsExactly("Observation");
    assertThat(request.query()).containsEntry("code", List.of("http://loinc.org|8867-4"));
    assertThat(request.header("Accept")).isEqualTo("application/fhir+xml");
    assertThat(request.responseFormat()).isEqualTo(Format.XML);
    assertThat(request.caller()).isEqualTo(Caller.ANONYMOUS);
    assertThat(request.url())
        .isEqualTo("http://example.org/fhir/Observation?code=http%3A%2F%2Floinc.org%7C8867-4&_count=5");
  }

  @Test
  void theQueryAndItsUrlKeepTheClientsOrder() {
    FhirRequest request = FhirRequest.builder("GET", "Patient?name=x&_sort=-birthdate&_sort=_id&birthdate=ge2000"
        + "&_include=Patient:organization&_include=Patient:general-practitioner&_has:Observation:patient:code=c"
        + "&organization.name=y&_count=5").baseUrl("http://example.org/fhir").build();
    Map<String, List<String>> more = new LinkedHashMap<>(request.query());
    more.put("address", List.of("Paris"));

    assertThat(request.query().keySet()).containsExactly("name", "_sort", "birthdate", "_include",
        "_has:Observation:patient:code", "organization.name", "_count");
    assertThat(request.withQuery(more).query().keySet()).containsExactly("name", "_sort", "birthdate", "_include",
        "_has:Observation:patient:code", "organization.name", "_count", "address");
    assertThat(request.url()).isEqualTo("http://example.org/fhir/Patient?name=x&_sort=-birthdate&_sort=_id"
        + "&birthdate=ge2000&_include=Patient%3Aorganization&_include=Patient%3Ageneral-practitioner"
        + "&_has%3AObservation%3Apatient%3Acode=c&organization.name=y&_count=5");
  }

  @Test
  void aLinkSetsItsParameterInItsPlaceOrAfterTheOthers() {
    FhirRequest request = FhirRequest.builder("GET", "Patient/_history?_since=2020&_cursor=a&_count=5")
        .baseUrl("http://example.org/fhir").build();

    assertThat(request.link("_cursor", "b")).isEqualTo("http://example.org/fhir/Patient/_history?_since=2020"
        + "&_cursor=b&_count=5");
    assertThat(request.link("_at", "2021")).isEqualTo("http://example.org/fhir/Patient/_history?_since=2020"
        + "&_cursor=a&_count=5&_at=2021");
    assertThat(request.link("_cursor", null)).isEqualTo("http://example.org/fhir/Patient/_history?_since=2020"
        + "&_count=5");
  }

  @Test
  void aRequestOverHttpKeepsItsQueryInTheClientsOrder() {
    List<List<String>> seen = new CopyOnWriteArrayList<>();
    Interceptor recording = new Interceptor() {
      @Override
      public FhirRequest before(FhirRequest request) {
        seen.add(List.copyOf(request.query().keySet()));
        return request;
      }
    };
    try (TestServer recorded = TestServer.onSharedStore(ServerConfig.defaults(), List.of(recording))) {
      recorded.http().get("/fhir/Patient?name=x&active=true&birthdate=ge2000&_count=5&gender=female");
    }

    assertThat(seen).containsExactly(List.of("name", "active", "birthdate", "_count", "gender"));
  }

  @Test
  void aBadSummaryIsRefusedWhenTheRequestIsBuilt() {
    assertThatThrownBy(() -> FhirRequest.builder("GET", "Patient?_summary=most").build())
        .isInstanceOf(FhirException.class).hasMessageContaining("_summary 'most'");
  }

  @Test
  void copiesChangeOneThingAndKeepTheRest() {
    Caller caller = Caller.system("urn:test");
    FhirRequest request = FhirRequest.builder("GET", "Patient?name=x").header("Prefer", "handling=strict").build();

    FhirRequest changed = request.withCaller(caller).withQuery(Map.of("name", List.of("y")))
        .withHeader("Prefer", null);

    assertThat(changed.caller()).isEqualTo(caller);
    assertThat(changed.param("name")).isEqualTo("y");
    assertThat(changed.prefer().strict()).isFalse();
    assertThat(request.param("name")).isEqualTo("x");
    assertThat(request.prefer().strict()).isTrue();
  }

  @Test
  void aKnownSystemsWritesCarryItsSourceAndOthersKeepTheirOwn() {
    FhirResponse bySystem = create("{\"resourceType\":\"Patient\",\"meta\":{\"source\":\"urn:other\"}}",
        Caller.system("urn:brazier:test-system"));
    FhirResponse byAnyone = create("{\"resourceType\":\"Patient\",\"meta\":{\"source\":\"urn:other\"}}",
        Caller.ANONYMOUS);

    assertThat(bySystem.status()).isEqualTo(201);
    assertThat(source(bySystem)).isEqualTo("urn:brazier:test-system");
    assertThat(source(byAnyone)).isEqualTo("urn:other");
  }

  private FhirResponse create(String json, Caller caller) {
    return server.api().handle(FhirRequest.builder("POST", "Patient").caller(caller)
        .body(json.getBytes(StandardCharsets.UTF_8), "application/fhir+json").baseUrl(server.baseUrl()).build());
  }

  private String source(FhirResponse written) {
    String id = written.version().id();
    return server.client().read().resource(Patient.class).withId(id).execute().getMeta().getSource();
  }
}
