package io.brazier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityConfigTest {
  private static final String ENTRA = "https://login.microsoftonline.com/tenant/v2.0";

  @Test
  void anAudienceIsWhateverTheIssuerWritesInAud() {
    List<String> audiences = List.of("https://fhir.example/fhir", "api://brazier",
        "6f1c1a3e-0b7d-4c55-9d8f-2d1c0e5b7a11");

    assertThat(config(List.of(ENTRA), audiences).audiences()).isEqualTo(audiences);
  }

  @Test
  void aBlankAudienceOrOneWithSpacesIsRefusedNamingTheFlag() {
    assertThatIllegalArgumentException().isThrownBy(() -> config(List.of(ENTRA), List.of(" ")))
        .withMessageStartingWith("--auth-audience");
    assertThatIllegalArgumentException().isThrownBy(() -> config(List.of(ENTRA), List.of("api://a b")))
        .withMessageStartingWith("--auth-audience");
  }

  @Test
  void anIssuerIsAUrl() {
    assertThatIllegalArgumentException().isThrownBy(() -> config(List.of("login.example"), List.of()))
        .withMessage("--auth-issuer takes URLs, not 'login.example'");
  }

  @Test
  void aTokenLifetimeOverFiveMinutesIsRefusedNamingTheFlagAndTheLimit() {
    assertThatIllegalArgumentException().isThrownBy(() -> withLifetime(Duration.ofSeconds(301)))
        .withMessage("--token-lifetime must be more than 0 and at most PT5M (SMART Backend Services: access tokens"
            + " live no more than 300 seconds; clients ask again), not PT5M1S");
    assertThat(withLifetime(Duration.ofMinutes(5)).tokenLifetime()).isEqualTo(Duration.ofMinutes(5));
  }

  private static SecurityConfig withLifetime(Duration lifetime) {
    return new SecurityConfig(List.of(), List.of(), Path.of("clients.json"), lifetime,
        SecurityConfig.DEFAULT_KEY_ROTATION, Map.of(), IsolationConfig.DEFAULTS);
  }

  private static SecurityConfig config(List<String> issuers, List<String> audiences) {
    return new SecurityConfig(issuers, audiences, Path.of("clients.json"), SecurityConfig.DEFAULT_TOKEN_LIFETIME,
        SecurityConfig.DEFAULT_KEY_ROTATION, Map.of(), IsolationConfig.DEFAULTS);
  }
}
