package io.brazier.app;

import io.brazier.proxy.IsolationConfig;
import io.brazier.proxy.SecurityConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How callers are authenticated, authorized and kept to their patients: the options that {@code serve --auth} and
 * {@code proxy} share.
 */
final class SecurityOptions {

  @Option(names = "--auth-issuer", split = ",", paramLabel = "URL",
      description = "Also trust tokens of this OpenID Connect issuer (repeatable): Entra ID"
          + " (https://login.microsoftonline.com/<tenant>/v2.0, or https://sts.windows.net/<tenant>/ for v1 tokens),"
          + " Keycloak (https://<host>/realms/<realm>), any OIDC issuer. SMART apps sign users in at the first one"
          + " given that has an authorization endpoint: the SMART configuration names its endpoints.")
  List<String> issuers = List.of();

  @Option(names = "--auth-audience", split = ",", paramLabel = "URL",
      description = "Accept tokens for this audience, as the issuer writes it in aud: a URL, api://..., an"
          + " application id (repeatable; default: --base-url).")
  List<String> audiences = List.of();

  @Option(names = "--clients", paramLabel = "FILE",
      description = "The clients of the token server, as 'brazier clients' writes them; re-read when it changes"
          + " (default: <data-dir>/clients.json).")
  Path clients;

  @Option(names = "--token-lifetime", defaultValue = "PT5M", paramLabel = "DURATION",
      description = "How long the token server's tokens live, ISO-8601, at most PT5M: SMART Backend Services"
          + " keeps access tokens to 300 seconds, and clients ask again (default: ${DEFAULT-VALUE}).")
  Duration tokenLifetime;

  @Option(names = "--auth-key-rotation", defaultValue = "P1D", paramLabel = "DURATION",
      description = "How long a token signing key signs before the next takes over (default: ${DEFAULT-VALUE}).")
  Duration keyRotation;

  @Option(names = "--auth-role", paramLabel = "NAME=ROLE",
      description = "Take an identity provider's role NAME as ROLE (Reader, Writer, Administrator, Patient,"
          + " Practitioner, RelatedPerson), e.g. FHIRProxyReader=Reader (repeatable).")
  Map<String, String> roleAliases = Map.of();

  @Option(names = "--global-role", split = ",", paramLabel = "ROLE",
      description = "A role whose callers see every patient's data, opt-outs ignored, as Administrators do"
          + " (repeatable), e.g. DataScientist. Other callers in a patient context or a participant role see only"
          + " their patients' data, and no caller sees the data of a patient whose opt-out denies it.")
  List<String> globalRoles = List.of();

  @Option(names = "--consent-category", defaultValue = IsolationConfig.DEFAULT_CONSENT_CATEGORY,
      paramLabel = "SYSTEM|CODE",
      description = "The category of the Consents that are patients' opt-outs: active, with a deny provision"
          + " (default: ${DEFAULT-VALUE}).")
  String consentCategory;

  @Option(names = "--consent-cache", defaultValue = "PT5M", paramLabel = "DURATION",
      description = "How long a node keeps the opt-outs and who a practitioner's patients are, at most, ISO-8601;"
          + " a change of them is seen at once anyway (default: ${DEFAULT-VALUE}).")
  Duration consentCache;

  /** The flags given that only {@code --auth} puts to use (those with defaults cannot be told from them). */
  List<String> named() {
    List<String> named = new ArrayList<>();
    addIf(named, !issuers.isEmpty(), "--auth-issuer");
    addIf(named, !audiences.isEmpty(), "--auth-audience");
    addIf(named, clients != null, "--clients");
    addIf(named, roleAliases != null && !roleAliases.isEmpty(), "--auth-role");
    addIf(named, !globalRoles.isEmpty(), "--global-role");
    return named;
  }

  private static void addIf(List<String> named, boolean given, String flag) {
    if (given) {
      named.add(flag);
    }
  }

  /**
   * The configuration, for a server whose FHIR base URL clients know as {@code baseUrl} (null: read from each
   * request). Tokens of an outside issuer need an audience that no request can choose: with neither
   * {@code --auth-audience} nor {@code --base-url}, a caller could name in its Host header the server another token
   * of the same issuer was meant for, and replay that token here.
   */
  SecurityConfig config(Path dataDir, String baseUrl) {
    if (!issuers.isEmpty() && audiences.isEmpty() && baseUrl == null) {
      throw new IllegalArgumentException("--auth-issuer needs --auth-audience (the audience the issuer puts in"
          + " tokens meant for this server) or --base-url: without either, the audience"
          + " would be taken from each request's Host header, which a caller chooses.");
    }
    return new SecurityConfig(issuers, audiences, clients != null ? clients : dataDir.resolve("clients.json"),
        tokenLifetime, keyRotation, roleAliases == null ? Map.of() : roleAliases,
        new IsolationConfig(globalRoles, consentCategory, consentCache));
  }
}
