package io.brazier.proxy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the server is secured ({@code brazier serve --auth}).
 *
 * @param issuers trusted token issuers beside the built-in token server ({@code --auth-issuer}): keys by OpenID
 *     Connect discovery
 * @param audiences accepted token audiences ({@code --auth-audience}); empty for the FHIR base URL
 * @param clients the clients file of the built-in token server ({@code --clients})
 * @param tokenLifetime how long the built-in token server's tokens live ({@code --token-lifetime}): at most
 *     {@link #MAX_TOKEN_LIFETIME}
 * @param keyRotation how long a signing key signs before the next takes over ({@code --auth-key-rotation})
 * @param roleAliases an identity provider's role names mapped to this server's ({@code --auth-role NAME=ROLE})
 * @param isolation how patients' data is kept apart
 */
public record SecurityConfig(List<String> issuers, List<String> audiences, Path clients, Duration tokenLifetime,
    Duration keyRotation, Map<String, String> roleAliases, IsolationConfig isolation) {

  public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofMinutes(5);
  /**
   * SMART Backend Services: access tokens SHALL be short-lived, {@code expires_in} SHOULD NOT exceed 300 seconds.
   * Tokens cannot be revoked, so a removed client's tokens live out their lifetime: it stays this short.
   */
  public static final Duration MAX_TOKEN_LIFETIME = Duration.ofMinutes(5);
  public static final Duration DEFAULT_KEY_ROTATION = Duration.ofDays(1);

  public SecurityConfig {
    issuers = List.copyOf(issuers);
    audiences = List.copyOf(audiences);
    roleAliases = Map.copyOf(roleAliases);
    for (String url : issuers) {
      if (!url.startsWith("https://") && !url.startsWith("http://")) {
        throw new IllegalArgumentException("--auth-issuer takes URLs, not '" + url + "'");
      }
    }
    // An audience is whatever the issuer writes in aud: a URL, Entra ID's api://... or an application id.
    for (String audience : audiences) {
      if (audience.isBlank() || audience.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("--auth-audience takes the aud of the tokens, not '" + audience + "'");
      }
    }
    if (tokenLifetime.isNegative() || tokenLifetime.isZero() || tokenLifetime.compareTo(MAX_TOKEN_LIFETIME) > 0) {
      throw new IllegalArgumentException("--token-lifetime must be more than 0 and at most " + MAX_TOKEN_LIFETIME
          + " (SMART Backend Services: access tokens live no more than 300 seconds; clients ask again), not "
          + tokenLifetime);
    }
    if (keyRotation.compareTo(Duration.ofHours(1)) < 0) {
      throw new IllegalArgumentException("--auth-key-rotation must be at least an hour, not " + keyRotation);
    }
    roleAliases.forEach((alias, role) -> {
      if (io.brazier.proxy.access.Role.named(role).isEmpty()) {
        throw new IllegalArgumentException("--auth-role " + alias + "=" + role + ": " + role + " is not a role;"
            + " the roles are Reader, Writer, Administrator, Patient, Practitioner and RelatedPerson.");
      }
    });
  }

  /** The defaults, with the clients file given. */
  public static SecurityConfig of(Path clients) {
    return new SecurityConfig(List.of(), List.of(), clients, DEFAULT_TOKEN_LIFETIME, DEFAULT_KEY_ROTATION, Map.of(),
        IsolationConfig.DEFAULTS);
  }
}
