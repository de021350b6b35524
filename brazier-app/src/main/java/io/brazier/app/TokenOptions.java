package io.brazier.app;

import io.brazier.client.ClientCredentials;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How a command that calls a FHIR server over HTTP gets its tokens (the loader, the sync agent): OAuth2 client
 * credentials, from any token endpoint (Brazier's own, Azure AD v1 or v2).
 */
final class TokenOptions {
  @Option(names = "--token-url", paramLabel = "URL",
      description = "OAuth2 token endpoint to ask for client-credentials tokens (default: no token).")
  URI tokenUrl;

  @Option(names = "--client-id", description = "OAuth2 client id (with --token-url).")
  String clientId;

  @Option(names = "--client-secret",
      description = "OAuth2 client secret (with --token-url; prefer BRAZIER_CLIENT_SECRET).")
  String clientSecret;

  @Option(names = "--scope", description = "OAuth2 scope to ask for, e.g. https://fhir.example/.default.")
  String scope;

  @Option(names = "--resource", description = "Azure AD v1 resource (audience) to ask for, instead of --scope.")
  String resource;

  /**
   * The tokens the options ask for; none without {@code --token-url}.
   *
   * @throws IllegalArgumentException when the options do not go together, naming the flags to fix
   */
  Optional<ClientCredentials> credentials() {
    if (tokenUrl == null) {
      if (clientId != null || clientSecret != null || scope != null || resource != null) {
        throw new IllegalArgumentException(
            "--client-id, --client-secret, --scope and --resource need --token-url, the OAuth2 token endpoint");
      }
      return Optional.empty();
    }
    return Optional.of(new ClientCredentials(
        new ClientCredentials.Config(tokenUrl, clientId, clientSecret, scope, resource), Clock.systemUTC()));
  }

  /**
   * Tokens from the same client for another server (an export job's {@code _audience}): the scope {@code
   * [audience]/.default} when the options use --scope, else the resource {@code audience} (Azure AD v1); none without
   * {@code --token-url}.
   */
  Optional<ClientCredentials> credentials(String audience) {
    if (tokenUrl == null) {
      return Optional.empty();
    }
    String trimmed = audience.replaceAll("/+$", "");
    return Optional.of(new ClientCredentials(new ClientCredentials.Config(tokenUrl, clientId, clientSecret,
        scope != null ? trimmed + "/.default" : null, scope != null ? null : audience), Clock.systemUTC()));
  }

  boolean asksForTokens() {
    return tokenUrl != null;
  }
}
