package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.proxy.SecurityConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security flags {@code serve --auth} and {@code proxy} share: what they configure, and each bad value refused
 * before anything starts, exit 2, with a message naming the flag and no stack trace.
 */
class SecurityOptionsTest {
  @TempDir
  Path dir;

  @Test
  void theFlagsMakeTheConfigurationAndTheClientsFileDefaultsToTheDataDirectory() {
    Serve serve = ServeArguments.parse("--auth", "--auth-issuer", "https://idp.example/realms/r",
        "--auth-audience", "api://brazier", "--token-lifetime", "PT2M", "--auth-key-rotation", "PT12H",
        "--auth-role", "FHIRProxyReader=Reader", "--auth-role", "Ops=Administrator", "--global-role",
        "DataScientist,Auditor", "--consent-category", "http://example.org/consent|opt-out", "--consent-cache",
        "PT0S");

    SecurityConfig config = serve.auth.config(dir, null);

    assertThat(config.issuers()).containsExactly("https://idp.example/realms/r");
    assertThat(config.audiences()).containsExactly("api://brazier");
    assertThat(config.clients()).isEqualTo(dir.resolve("clients.json"));
    assertThat(config.tokenLifetime()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.keyRotation()).isEqualTo(Duration.ofHours(12));
    assertThat(config.roleAliases()).isEqualTo(Map.of("FHIRProxyReader", "Reader", "Ops", "Administrator"));
    assertThat(config.isolation().globalRoles()).containsExactly("DataScientist", "Auditor");
    assertThat(config.isolation().consentCategory()).isEqualTo("http://example.org/consent|opt-out");
    assertThat(config.isolation().consentCache()).isZero();
  }

  @Test
  void withoutFlagsTheDefaultsAreTheDocumentedOnes() {
    SecurityConfig config = ServeArguments.parse("--auth").auth.config(dir, null);

    assertThat(config.tokenLifetime()).isEqualTo(SecurityConfig.DEFAULT_TOKEN_LIFETIME);
    assertThat(config.keyRotation()).isEqualTo(SecurityConfig.DEFAULT_KEY_ROTATION);
    assertThat(config.issuers()).isEmpty();
    assertThat(config.roleAliases()).isEmpty();
    assertThat(config.isolation().consentCategory()).isEqualTo("http://loinc.org|59284-0");
  }

  @Test
  void aTokenLifetimeOfNothingOrOverFiveMinutesIsRefused() {
    for (String lifetime : List.of("PT0S", "-PT5M", "PT301S", "PT1H")) {
      assertRefused(List.of("--token-lifetime", lifetime), "--token-lifetime must be more than 0 and at most PT5M"
          + " (SMART Backend Services: access tokens live no more than 300 seconds; clients ask again), not "
          + Duration.parse(lifetime));
    }
  }

  @Test
  void aKeyRotationUnderAnHourIsRefused() {
    assertRefused(List.of("--auth-key-rotation", "PT59M"), "--auth-key-rotation must be at least an hour, not PT59M");
  }

  @Test
  void aRoleAliasToARoleThatDoesNotExistIsRefusedNamingTheRoles() {
    assertRefused(List.of("--auth-role", "FHIRProxyBoss=Boss"), "--auth-role FHIRProxyBoss=Boss: Boss is not a role;"
        + " the roles are Reader, Writer, Administrator, Patient, Practitioner and RelatedPerson.");
  }

  @Test
  void anIssuerThatIsNoUrlIsRefused() {
    assertRefused(List.of("--auth-issuer", "login.example.org", "--auth-audience", "api://brazier"),
        "--auth-issuer takes URLs, not 'login.example.org'");
  }

  @Test
  void anAudienceWithSpacesIsRefused() {
    assertRefused(List.of("--auth-audience", "api://brazier fhir"),
        "--auth-audience takes the aud of the tokens, not 'api://brazier fhir'");
  }

  @Test
  void aDurationThatIsNotIso8601IsAUsageErrorNamingTheFlag() {
    assertRefused(List.of("--token-lifetime", "5m"), "--token-lifetime");
    assertRefused(List.of("--consent-cache", "five minutes"), "--consent-cache");
  }

  @Test
  void theProxyRefusesTheSameBadFlags() {
    Cli.run("proxy", "--upstream", "http://fhir.example/fhir", "--token-lifetime", "PT2H", "--data-dir",
        dir.toString()).refused("--token-lifetime must be more than 0 and at most PT5M");

    assertThat(dir).isEmptyDirectory();
  }

  /** {@code serve --auth} with these flags stops with exit 2, says {@code message}, and leaves nothing behind. */
  private void assertRefused(List<String> flags, String message) {
    List<String> args = new ArrayList<>(List.of("serve", "--auth", "--data-dir", dir.toString()));
    args.addAll(flags);

    Cli.run(args.toArray(String[]::new)).refused(message);

    assertThat(dir).isEmptyDirectory();
  }
}
