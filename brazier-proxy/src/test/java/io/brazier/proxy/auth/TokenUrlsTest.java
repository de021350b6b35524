package io.brazier.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Where the built-in token server lives for a FHIR base URL, as the SMART configuration and the CapabilityStatement
 * announce it and as its tokens name their issuer: beside the base, below any path the base sits under.
 */
class TokenUrlsTest {

  @Test
  void theTokenServerSitsBesideTheFhirBase() {
    String base = "http://10.0.0.7:8080/fhir";

    assertThat(TokenUrls.root(base)).isEqualTo("http://10.0.0.7:8080");
    assertThat(TokenUrls.issuer(base)).isEqualTo("http://10.0.0.7:8080/oauth2");
    assertThat(TokenUrls.token(base)).isEqualTo("http://10.0.0.7:8080/oauth2/token");
    assertThat(TokenUrls.jwks(base)).isEqualTo("http://10.0.0.7:8080/oauth2/jwks");
  }

  @Test
  void aBaseBehindAPathPrefixKeepsItsPrefix() {
    assertThat(TokenUrls.token("https://gateway.example.org/tenant-a/fhir"))
        .isEqualTo("https://gateway.example.org/tenant-a/oauth2/token");
  }

  @Test
  void aBaseWithATrailingSlashIsTheSameBase() {
    assertThat(TokenUrls.issuer("https://fhir.example.org/fhir/")).isEqualTo(TokenUrls.issuer(
        "https://fhir.example.org/fhir"));
  }

  @Test
  void aRootThatIsNotBelowFhirIsTakenAsItIs() {
    assertThat(TokenUrls.root("https://fhir.example.org/r4")).isEqualTo("https://fhir.example.org/r4");
    assertThat(TokenUrls.token("https://fhir.example.org")).isEqualTo("https://fhir.example.org/oauth2/token");
  }

  @Test
  void normalizingDropsOneTrailingSlashOnly() {
    assertThat(TokenUrls.normalize("https://login.example.org/t/v2.0/")).isEqualTo("https://login.example.org/t/v2.0");
    assertThat(TokenUrls.normalize("api://brazier")).isEqualTo("api://brazier");
  }
}
