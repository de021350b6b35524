package io.brazier.proxy.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.auth.LaunchEndpoints;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * The CapabilityStatement's {@code rest.security}: a SMART-on-FHIR service whose token endpoint lies beside the base
 * URL the client called, added to a copy so that the server's own statement, shared by every request, stays as it
 * was. https://hl7.org/fhir/smart-app-launch/conformance.html
 */
class CapabilitySecurityTest {
  private static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

  private final CapabilitySecurity security = new CapabilitySecurity(Optional::empty);
  private final CapabilityStatement shared = statement();

  @Test
  void theStatementNamesTheSmartServiceAndTheTokenEndpointBesideTheBaseUrl() {
    FhirResponse answer = security.after(capabilities("https://fhir.example.org/fhir"), FhirResponse.ok(shared));

    CapabilityStatementRestSecurityComponent secured = securityOf(answer);
    assertThat(secured.getServiceFirstRep().getCodingFirstRep().getSystem())
        .isEqualTo("http://terminology.hl7.org/CodeSystem/restful-security-service");
    assertThat(secured.getServiceFirstRep().getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
    assertThat(secured.getExtensionByUrl(OAUTH_URIS).getExtensionByUrl("token").getValue().primitiveValue())
        .isEqualTo("https://fhir.example.org/oauth2/token");
    assertThat(secured.getDescription()).contains("client credentials", "private_key_jwt");
  }

  @Test
  void anOutsideIssuerThatSignsUsersInIsNamedAsTheSmartConfigurationNamesIt() {
    LaunchEndpoints login = new LaunchEndpoints("https://login.example.org", "https://login.example.org/authorize",
        "https://login.example.org/token", "https://login.example.org/keys", List.of("authorization_code"),
        List.of("client_secret_basic"), List.of());

    FhirResponse answer = new CapabilitySecurity(() -> Optional.of(login))
        .after(capabilities("https://fhir.example.org/fhir"), FhirResponse.ok(shared));

    assertThat(securityOf(answer).getExtensionByUrl(OAUTH_URIS).getExtensionByUrl("authorize").getValue()
        .primitiveValue()).isEqualTo("https://login.example.org/authorize");
    assertThat(tokenUrl(answer)).isEqualTo("https://login.example.org/token");
    assertThat(securityOf(answer).getDescription()).contains("https://login.example.org",
        "backend clients get tokens at https://fhir.example.org/oauth2/token");
  }

  @Test
  void eachBaseUrlGetsItsOwnTokenEndpoint() {
    FhirResponse inside = security.after(capabilities("http://10.0.0.7:8080/fhir"), FhirResponse.ok(shared));
    FhirResponse outside = security.after(capabilities("https://fhir.example.org/fhir/"), FhirResponse.ok(shared));

    assertThat(tokenUrl(inside)).isEqualTo("http://10.0.0.7:8080/oauth2/token");
    assertThat(tokenUrl(outside)).isEqualTo("https://fhir.example.org/oauth2/token");
  }

  @Test
  void theServersOwnStatementIsNotChangedSoRepeatedAnswersDoNotPileUpServices() {
    security.after(capabilities("https://fhir.example.org/fhir"), FhirResponse.ok(shared));
    FhirResponse second = security.after(capabilities("https://fhir.example.org/fhir"), FhirResponse.ok(shared));

    assertThat(shared.getRestFirstRep().getSecurity().hasService()).isFalse();
    assertThat(shared.getRestFirstRep().getSecurity().hasExtension()).isFalse();
    assertThat(securityOf(second).getService()).hasSize(1);
    assertThat(securityOf(second).getExtension()).hasSize(1);
  }

  @Test
  void theAnswersStatusAndHeadersAreKept() {
    FhirResponse original = FhirResponse.of(200, shared).header("Cache-Control", "max-age=60")
        .header("X-Request-Id", "r-1");

    FhirResponse answer = security.after(capabilities("https://fhir.example.org/fhir"), original);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.headers()).containsEntry("Cache-Control", "max-age=60").containsEntry("X-Request-Id", "r-1");
    assertThat(((CapabilityStatement) answer.resource()).getSoftware().getName()).isEqualTo("Brazier");
  }

  @Test
  void otherInteractionsAndAnswersPassUntouched() {
    FhirResponse read = FhirResponse.ok(new Patient().setActive(true));
    FhirResponse statementOfARead = FhirResponse.ok(shared);
    FhirRequest readRequest = FhirRequest.builder("GET", "Patient/1").baseUrl("https://fhir.example.org/fhir")
        .build().routed(FhirInteraction.READ, null);
    FhirResponse refusal = FhirResponse.empty(304);

    assertThat(security.after(readRequest, read)).isSameAs(read);
    assertThat(security.after(readRequest, statementOfARead)).isSameAs(statementOfARead);
    assertThat(security.after(capabilities("https://fhir.example.org/fhir"), refusal)).isSameAs(refusal);
  }

  private static FhirRequest capabilities(String baseUrl) {
    return FhirRequest.builder("GET", "metadata").baseUrl(baseUrl).build()
        .routed(FhirInteraction.CAPABILITIES, null);
  }

  private static CapabilityStatement statement() {
    CapabilityStatement statement = new CapabilityStatement();
    statement.getSoftware().setName("Brazier");
    statement.addRest().setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
    return statement;
  }

  private static CapabilityStatementRestSecurityComponent securityOf(FhirResponse answer) {
    return ((CapabilityStatement) answer.resource()).getRestFirstRep().getSecurity();
  }

  private static String tokenUrl(FhirResponse answer) {
    return securityOf(answer).getExtensionByUrl(OAUTH_URIS).getExtensionByUrl("token").getValue().primitiveValue();
  }
}
