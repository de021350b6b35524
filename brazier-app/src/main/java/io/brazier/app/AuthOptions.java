package io.brazier.app;

import io.brazier.proxy.SecurityConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of {@code brazier serve} that secure it. */
final class AuthOptions {

  @Option(names = "--auth", defaultValue = "false",
      description = "Require a bearer token on /fhir (metadata and SMART configuration stay open) and an"
          + " Administrator on /metrics; serve the token server at /oauth2/token.")
  boolean enabled;

  @Option(names = "--auth-issuer", split = ",", paramLabel = "URL",
      description = "Also trust tokens of this OpenID Connect issuer (repeatable): Entra ID"
          + " (https://login.microsoftonline.com/<tenant>/v2.0, or https://sts.windows.net/<tenant>/ for v1 tokens),"
          + " Keycloak (https://<host>/realms/<realm>), any OIDC issuer.")
  List<String> issuers = List.of();

  @Option(names = "--auth-audience", split = ",", paramLabel = "URL",
      description = "Accept tokens for this audience (repeatable; default: the FHIR base URL).")
  List<String> audiences = List.of();

  @Option(names = "--clients", paramLabel = "FILE",
      description = "The clients of the token server, as 'brazier clients' writes them; re-read when it changes"
          + " (default: <data-dir>/clients.json).")
  Path clients;

  @Option(names = "--token-lifetime", defaultValue = "PT5M", paramLabel = "DURATION",
      description = "How long the token server's tokens live, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration tokenLifetime;

  @Option(names = "--auth-key-rotation", defaultValue = "P1D", paramLabel = "DURATION",
      description = "How long a token signing key signs before the next takes over (default: ${DEFAULT-VALUE}).")
  Duration keyRotation;

  @Option(names = "--auth-role", paramLabel = "NAME=ROLE",
      description = "Take an identity provider's role NAME as ROLE (Reader, Writer, Administrator, Patient,"
          + " Practitioner, RelatedPerson), e.g. FHIRProxyReader=Reader (repeatable).")
  Map<String, String> roleAliases = Map.of();

  @Option(names = "--insecure", defaultValue = "false",
      description = "Allow --host other than loopback without --auth: anyone who reaches the port may read and"
          + " change everything.")
  boolean insecure;

  SecurityConfig config(Path dataDir) {
    return new SecurityConfig(issuers, audiences, clients != null ? clients : dataDir.resolve("clients.json"),
        tokenLifetime, keyRotation, roleAliases == null ? Map.of() : roleAliases);
  }

  /** Why the server must not start as configured, or null: an open server on a network address. */
  String refusal(String host) {
    if (enabled || insecure || isLoopback(host)) {
      return null;
    }
    return "--host " + host + " would open the server to the network without authentication: add --auth (see"
        + " 'brazier clients add'), or --insecure if something in front authenticates every request.";
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
