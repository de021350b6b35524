package io.brazier.app;

import io.brazier.proxy.ProcessorConfig;
import io.brazier.proxy.SecurityConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code brazier serve} that secure it. */
final class AuthOptions {

  @Option(names = "--auth", defaultValue = "false",
      description = "Require a bearer token on /fhir (metadata and SMART configuration stay open) and an"
          + " Administrator on /metrics; serve the token server at /oauth2/token.")
  boolean enabled;

  @Mixin
  SecurityOptions security = new SecurityOptions();

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
    return security.config(dataDir);
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
