package io.brazier.app;

import io.brazier.proxy.ProcessorConfig;
import io.brazier.proxy.SecurityConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
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

  @Mixin
  ProcessorOptions processors = new ProcessorOptions();

  @Option(names = "--insecure", defaultValue = "false",
      description = "Allow --host other than loopback without --auth: anyone who reaches the port may read and"
          + " change everything.")
  boolean insecure;

  SecurityConfig config(Path dataDir, String baseUrl) {
    return security.config(dataDir, baseUrl);
  }

  ProcessorConfig processors() {
    return processors.config();
  }

  /**
   * Why the server must not start as configured, or null: an open server on a network address, a security flag
   * with a bad value, or one given without {@code --auth}.
   */
  String refusal(String host, String baseUrl) {
    if (enabled) {
      try {
        config(Path.of(""), baseUrl);
        processors();
        return null;
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }
    if (!security.named().isEmpty()) {
      // An open server that looked secured: the operator meant --auth.
      return "Without --auth the server is open and would ignore " + String.join(", ", security.named())
          + ": add --auth, or leave them out.";
    }
    if (processors.named()) {
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
