package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UrlType;
import org.junit.jupiter.api.Test;

class SearchParameterStatusTest {
  private static final String PATIENT_NAME = "http://hl7.org/fhir/SearchParameter/Patient-name";
  private final IGenericClient client = TestServer.shared().client();
  private final Http http = TestServer.shared().http();

  @Test
  void everySearchParameterIsListedWithItsStatus() {
    Map<String, String> statuses = statuses(client.operation().onType(SearchParameter.class).named("$status")
        .withNoParameters(Parameters.class).useHttpGet().execute());

    assertThat(statuses).containsEntry(PATIENT_NAME, "Enabled")
        .containsEntry("http://hl7.org/fhir/SearchParameter/clinical-code", "Enabled")
        .containsEntry("http://hl7.org/fhir/SearchParameter/Resource-id", "Enabled")
        .hasSizeGreaterThan(1000);
  }

  @Test
  void resourceTypeCodeAndUrlNarrowTheList() {
    Parameters byTypeAndCode = client.operation().onType(SearchParameter.class).named("$status")
        .withParameter(Parameters.class, "resourcetype", new StringType("Patient"))
        .andParameter("code", new StringType("name,birthdate")).useHttpGet().execute();
    Parameters byUrl = client.operation().onType(SearchParameter.class).named("$status")
        .withParameter(Parameters.class, "url", new StringType(PATIENT_NAME)).useHttpGet().execute();

    assertThat(statuses(byTypeAndCode)).containsOnlyKeys(PATIENT_NAME,
        "http://hl7.org/fhir/SearchParameter/individual-birthdate");
    assertThat(statuses(byUrl)).containsOnlyKeys(PATIENT_NAME);
  }

  @Test
  void aStoredSearchParameterIsListedOnceCommitted() {
    String url = "https://example.org/fhir/SearchParameter/status-" + UUID.randomUUID();
    client.create().resource(new SearchParameter().setUrl(url).setName("status-test").setCode("status-test")
        .setStatus(PublicationStatus.ACTIVE).setType(SearchParamType.TOKEN).setExpression("Basic.code")
        .addBase("Basic")).execute();

    Parameters stored = client.operation().onType(SearchParameter.class).named("$status")
        .withParameter(Parameters.class, "url", new StringType(url)).useHttpGet().execute();

    assertThat(statuses(stored)).containsExactly(Map.entry(url, "Enabled"));
  }

  @Test
  void noMatchIsNotFoundAndAnUnknownTypeABadRequest() {
    assertThatThrownBy(() -> client.operation().onType(SearchParameter.class).named("$status")
        .withParameter(Parameters.class, "url", new StringType("https://example.org/nothing")).useHttpGet()
        .execute()).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> client.operation().onType(SearchParameter.class).named("$status")
        .withParameter(Parameters.class, "resourceType", new StringType("Nothing")).useHttpGet().execute())
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Nothing");
  }

  @Test
  void aDisabledParameterIsUnknownToSearchesAndMetadataAndEnabledAgainFindsWhatWasWrittenMeanwhile() {
    String code = "status-" + UUID.randomUUID().toString().substring(0, 8);
    String url = storeParameter(code, "Basic.code");
    String search = "Basic?" + code + "=" + code;

    Http.Response put = http.put("/fhir/SearchParameter/$status", statusChange(url, "Disabled"),
        "Content-Type", "application/fhir+json");
    client.create().resource(basic(code)).execute();

    assertThat(put.status()).isEqualTo(200);
    Bundle answer = put.resource(Bundle.class);
    assertThat(answer.getType()).isEqualTo(BundleType.BATCHRESPONSE);
    assertThat(statuses((Parameters) answer.getEntryFirstRep().getResource()))
        .containsExactly(Map.entry(url, "Disabled"));
    assertThat(statusOf(url)).isEqualTo("Disabled");
    assertThat(http.get("/fhir/" + search, "Prefer", "handling=strict").status()).isEqualTo(400);
    assertThat(outcomeOf(client.search().byUrl(search).withAdditionalHeader("Prefer", "handling=lenient")
        .returnBundle(Bundle.class).execute())).contains(code);
    assertThat(searchParams(http.get("/fhir/metadata").resource(CapabilityStatement.class), "Basic"))
        .doesNotContain(code).contains("code");

    Bundle enabled = client.operation().onType(SearchParameter.class).named("$status")
        .withParameters(statusChangeParameters(url, "Supported")).returnResourceType(Bundle.class).execute();

    assertThat(statuses((Parameters) enabled.getEntryFirstRep().getResource()))
        .containsExactly(Map.entry(url, "Enabled"));
    assertThat(client.search().byUrl(search).withAdditionalHeader("Prefer", "handling=strict")
        .returnBundle(Bundle.class).execute().getEntry()).as("written while disabled, found once enabled").hasSize(1);
    assertThat(searchParams(client.capabilities().ofType(CapabilityStatement.class).execute(), "Basic"))
        .contains(code);
  }

  @Test
  void parametersNotKnownUnsupportedOrCommonAreLeftAsTheyWereSayingWhy() {
    String code = "status-" + UUID.randomUUID().toString().substring(0, 8);
    String part = storeParameter(code + "-part", "Basic.code");
    String composite = storeComposite(code, part);
    String partId = client.search().forResource(SearchParameter.class).where(SearchParameter.URL.matches().value(part))
        .returnBundle(Bundle.class).execute().getEntryFirstRep().getResource().getIdElement().getIdPart();
    client.delete().resourceById("SearchParameter", partId).execute();
    String kept = storeParameter(code + "-kept", "Basic.code");
    Parameters change = statusChangeParameters(kept, "Disabled");
    Stream.of("https://example.org/nothing", composite, "http://hl7.org/fhir/SearchParameter/Resource-id")
        .forEach(url -> change.addParameter(statusChangeParameters(url, "Disabled").getParameterFirstRep()));

    Bundle answer = client.operation().onType(SearchParameter.class).named("$status").withParameters(change)
        .returnResourceType(Bundle.class).execute();

    OperationOutcome failed = (OperationOutcome) answer.getEntry().get(0).getResource();
    assertThat(failed.getIdElement().getIdPart()).isEqualTo("FailedSearchParameterUpdates");
    assertThat(failed.getIssue()).extracting(issue -> issue.getCode().toCode(), issue -> issue.getSeverity().toCode())
        .containsExactly(tuple("not-found", "information"), tuple("not-supported", "error"),
            tuple("not-supported", "error"));
    assertThat(statuses((Parameters) answer.getEntry().get(1).getResource()))
        .containsExactly(Map.entry(kept, "Disabled"));
    assertThat(statusOf(composite)).isEqualTo("Unsupported");
    assertThat(statusOf("http://hl7.org/fhir/SearchParameter/Resource-id")).isEqualTo("Enabled");
  }

  @Test
  void aMalformedChangeIsABadRequestAndChangesNothing() {
    String url = storeParameter("status-" + UUID.randomUUID().toString().substring(0, 8), "Basic.code");
    Parameters noStatus = new Parameters();
    noStatus.addParameter().setName("searchParameterStatus").addPart().setName("url").setValue(new UrlType(url));
    Parameters oneUnknownStatus = statusChangeParameters(url, "Disabled");
    oneUnknownStatus.addParameter(statusChangeParameters(url + "-other", "PendingDisable").getParameterFirstRep());

    for (Parameters malformed : List.of(noStatus, oneUnknownStatus)) {
      assertThatThrownBy(() -> client.operation().onType(SearchParameter.class).named("$status")
          .withParameters(malformed).returnResourceType(Bundle.class).execute())
          .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.getOperationOutcome()).isNotNull());
    }
    assertThat(http.put("/fhir/SearchParameter/$status", "{\"resourceType\":\"Basic\"}",
        "Content-Type", "application/fhir+json").status()).isEqualTo(400);

    assertThat(statusOf(url)).isEqualTo("Enabled");
  }

  @Test
  void aStatusChangedOnOneNodeIsSeenByAnother() {
    String code = "status-" + UUID.randomUUID().toString().substring(0, 8);
    String url = storeParameter(code, "Basic.code");
    String search = "/fhir/Basic?" + code + "=x";
    try (TestServer other = TestServer.shared().secondNode()) {
      Http otherHttp = other.http();
      await(() -> otherHttp.get(search, "Prefer", "handling=strict").status() == 200);

      http.put("/fhir/SearchParameter/$status", statusChange(url, "Disabled"), "Content-Type", "application/fhir+json");

      await(() -> otherHttp.get(search, "Prefer", "handling=strict").status() == 400);
      assertThat(statuses(otherHttp.get("/fhir/SearchParameter/$status?url=" + url).resource(Parameters.class)))
          .containsExactly(Map.entry(url, "Disabled"));
      assertThat(searchParams(otherHttp.get("/fhir/metadata").resource(CapabilityStatement.class), "Basic"))
          .doesNotContain(code);

      otherHttp.put("/fhir/SearchParameter/$status", statusChange(url, "Enabled"), "Content-Type",
          "application/fhir+json");

      await(() -> http.get(search, "Prefer", "handling=strict").status() == 200);
      assertThat(statusOf(url)).isEqualTo("Enabled");
    }
  }

  private String storeParameter(String code, String expression) {
    String url = "https://example.org/fhir/SearchParameter/" + code;
    client.create().resource(new SearchParameter().setUrl(url).setName(code).setCode(code)
        .setStatus(PublicationStatus.ACTIVE).setType(SearchParamType.TOKEN).setExpression(expression)
        .addBase("Basic")).execute();
    return url;
  }

  /** A composite of a stored parameter and Basic's created. */
  private String storeComposite(String code, String partUrl) {
    String url = "https://example.org/fhir/SearchParameter/" + code;
    SearchParameter composite = new SearchParameter().setUrl(url).setName(code).setCode(code)
        .setStatus(PublicationStatus.ACTIVE).setType(SearchParamType.COMPOSITE).setExpression("Basic")
        .addBase("Basic");
    composite.addComponent().setDefinition(partUrl).setExpression("code");
    composite.addComponent().setDefinition("http://hl7.org/fhir/SearchParameter/Basic-created")
        .setExpression("created");
    client.create().resource(composite).execute();
    return url;
  }

  private static Basic basic(String code) {
    Basic basic = new Basic();
    basic.getCode().addCoding().setSystem("urn:test").setCode(code);
    return basic;
  }

  private String statusOf(String url) {
    return statuses(client.operation().onType(SearchParameter.class).named("$status")
        .withParameter(Parameters.class, "url", new StringType(url)).useHttpGet().execute()).get(url);
  }

  /** Microsoft's request: one searchParameterStatus with parts url and status. */
  private static Parameters statusChangeParameters(String url, String status) {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("searchParameterStatus")
        .addPart(new ParametersParameterComponent().setName("url").setValue(new UrlType(url)))
        .addPart(new ParametersParameterComponent().setName("status").setValue(new StringType(status)));
    return parameters;
  }

  private String statusChange(String url, String status) {
    return TestServer.shared().fhir().jsonParser().encodeResourceToString(statusChangeParameters(url, status));
  }

  private static String outcomeOf(Bundle bundle) {
    return bundle.getEntry().stream().filter(entry -> entry.getSearch().getMode() == SearchEntryMode.OUTCOME)
        .map(entry -> ((OperationOutcome) entry.getResource()).getIssueFirstRep().getDiagnostics())
        .findFirst().orElseThrow();
  }

  private static List<String> searchParams(CapabilityStatement statement, String type) {
    return statement.getRestFirstRep().getResource().stream().filter(resource -> resource.getType().equals(type))
        .flatMap(resource -> resource.getSearchParam().stream()).map(param -> param.getName()).toList();
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** The url and status of each searchParameterStatus. */
  private static Map<String, String> statuses(Parameters parameters) {
    Map<String, String> statuses = new TreeMap<>();
    for (ParametersParameterComponent status : parameters.getParameter()) {
      assertThat(status.getName()).isEqualTo("searchParameterStatus");
      statuses.put(part(status, "url"), part(status, "status"));
    }
    return statuses;
  }

  private static String part(ParametersParameterComponent parameter, String name) {
    return parameter.getPart().stream().filter(part -> part.getName().equals(name)).findFirst().orElseThrow()
        .getValue().primitiveValue();
  }
}
