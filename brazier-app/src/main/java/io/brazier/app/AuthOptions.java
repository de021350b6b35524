package io.brazier.app;

import io.brazier.proxy.IsolationConfig;
import io.brazier.proxy.ProcessorConfig;
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

  @Option(names = "--pre-processors", split = ",", paramLabel = "NAME",
      description = "Processors that see each request before the server, in this order (with --auth):"
          + " profile-validation, everything, or one of a jar on the class path.")
  List<String> preProcessors = List.of();

  @Option(names = "--post-processors", split = ",", paramLabel = "NAME",
      description = "Processors of jars on the class path that see each answer, in this order (with --auth).")
  List<String> postProcessors = List.of();

  @Option(names = "--profiles", paramLabel = "DIR",
      description = "For profile-validation: StructureDefinitions (.json), FHIR packages (.tgz) and policy.json,"
          + " which names the profiles each resource type must meet.")
  Path profiles;

  @Option(names = "--processor-option", paramLabel = "NAME.KEY=VALUE",
      description = "A setting of a processor of another jar (repeatable).")
  Map<String, String> processorOptions = Map.of();

  @Option(names = "--insecure", defaultValue = "false",
      description = "Allow --host other than loopback without --auth: anyone who reaches the port may read and"
          + " change everything.")
  boolean insecure;

  SecurityConfig config(Path dataDir) {
    return new SecurityConfig(issuers, audiences, clients != null ? clients : dataDir.resolve("clients.json"),
        tokenLifetime, keyRotation, roleAliases == null ? Map.of() : roleAliases,
        new IsolationConfig(globalRoles, consentCategory, consentCache));
  }

  ProcessorConfig processors() {
    return new ProcessorConfig(preProcessors, postProcessors, profiles,
        processorOptions == null ? Map.of() : processorOptions);
  }

  /**
   * Why the server must not start as configured, or null: an open server on a network address, or a security flag
   * with a bad value.
   */
  String refusal(String host) {
    if (enabled) {
      try {
        config(Path.of(""));
        processors();
        return null;
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }
    if (!preProcessors.isEmpty() || !postProcessors.isEmpty()) {
      return "--pre-processors and --post-processors need --auth: processors run behind authentication.";
    }
    if (insecure || isLoopback(host)) {
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
