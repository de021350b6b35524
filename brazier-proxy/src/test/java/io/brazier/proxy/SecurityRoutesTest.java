package io.brazier.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Http;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The routes security adds beside the FHIR API, over HTTP: what a client calls before it has a token is open (a
 * stale or broken token in the request changes nothing), and {@code /metrics} refuses everyone but an Administrator
 * with an OperationOutcome and the Bearer challenge that says why.
 */
class SecurityRoutesTest {
  private static final String BROKEN = "Bearer not.a.token";
  private final SecuredServer secured = SecuredServer.shared();
  private final Http http = secured.http();

  @Test
  void theKeysAndTheSmartConfigurationAreOpenEvenToABrokenToken() {
    for (String path : List.of("/oauth2/jwks", "/fhir/.well-known/smart-configuration")) {
      assertThat(http.get(path).status()).as(path).isEqualTo(200);
      assertThat(http.get(path, "Authorization", BROKEN).status()).as(path).isEqualTo(200);
    }
  }

  @Test
  void bothTokenEndpointsAreReachedWithoutATokenAndAnswerInOAuthTerms() {
    SecuredServer.Answer plain = secured.postForm("/oauth2/token", "grant_type=client_credentials&client_id=nobody"
        + "&client_secret=x", "Authorization", BROKEN);
    SecuredServer.Answer tenant = secured.postForm("/some-tenant/oauth2/token", "grant_type=client_credentials"
        + "&client_id=nobody&client_secret=x&resource=" + secured.baseUrl());

    assertThat(plain.json().get("error").asText()).isEqualTo("invalid_client");
    assertThat(plain.json().has("resourceType")).as("an OperationOutcome of the guard").isFalse();
    assertThat(tenant.json().get("error").asText()).isEqualTo("invalid_client");
  }

  @Test
  void metricsWithoutATokenAreRefusedWithABearerChallenge() {
    Http.Response response = http.get("/metrics");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.header("WWW-Authenticate")).contains("Bearer realm=\"brazier\"");
    http.refused(401, "GET", "/metrics", (byte[]) null);
  }

  @Test
  void metricsForACallerWithoutTheAdministratorRoleAreForbiddenWithAnInsufficientScopeChallenge() {
    String everythingButAdministrator = secured.bearer(List.of("Reader", "Writer", SecuredServer.GLOBAL_ROLE),
        List.of("system/*.*"));

    Http.Response response = http.get("/metrics", "Authorization", everythingButAdministrator);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.header("WWW-Authenticate")).hasValueSatisfying(challenge -> assertThat(challenge)
        .contains("error=\"insufficient_scope\"").contains("Administrator role"));
  }

  @Test
  void metricsForAnAdministratorArePrometheusText() {
    Http.Response response = http.get("/metrics", "Authorization", secured.bearer(List.of("Administrator"),
        List.of()));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(response.header("WWW-Authenticate")).isEmpty();
  }

  @Test
  void theLinksApiIsRoutedHereAndGuarded() {
    assertThat(http.get("/manage/links").status()).isEqualTo(401);
    assertThat(http.get("/manage/links", "Authorization", secured.bearer(List.of("Administrator"), List.of()))
        .status()).isEqualTo(200);
  }
}
