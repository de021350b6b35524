package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class SearchParameterStatusTest {
  private static final String PATIENT_NAME = "http://hl7.org/fhir/SearchParameter/Patient-name";
  private final IGenericClient client = TestServer.shared().client();

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
  void changingAStatusIsNotTaken() {
    Http.Response put = TestServer.shared().http().put("/fhir/SearchParameter/$status",
        "{\"resourceType\":\"Parameters\"}", "Content-Type", "application/fhir+json");

    assertThat(put.status()).isEqualTo(405);
    assertThat(put.header("Allow").orElseThrow()).contains("GET").doesNotContain("PUT");
    assertThat(put.resource(OperationOutcome.class).getIssueFirstRep().getSeverity()).isNotNull();
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
