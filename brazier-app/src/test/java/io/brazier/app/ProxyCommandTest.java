package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Warnings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code brazier proxy}'s options and its stop: its help names every flag, options that do not go together are usage
 * errors naming the flag to fix, before anything starts, and a stop closes what the proxy started.
 */
class ProxyCommandTest {
  private static final String LINK_NOTICES = "io.brazier.proxy.isolation.LinkNotices";

  @Test
  void helpNamesTheUpstreamItsIdentityTheTrustedProxiesAndTheSecurityFlags() {
    StringWriter out = new StringWriter();
    CommandLine command = Brazier.commandLine(new String[0]);
    command.setOut(new PrintWriter(out));

    int exit = command.execute("proxy", "--help");

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("--upstream=URL", "--port", "--upstream-token-url",
        "--upstream-client-id", "--upstream-client-secret", "--upstream-scope", "--upstream-resource",
        "--trusted-proxies", "--upstream-max-retries", "--auth-issuer", "--clients", "--global-role",
        "--data-dir", "--pre-processors", "--post-processors", "--processor-option", "--profiles",
        "--events-kafka", "--sync-queue-types");
  }

  @Test
  void helpSaysAnswersStopWaitingForKafkaAfterEventsUnhealthyAfter() {
    Cli help = Cli.run("proxy", "--help");

    String text = help.out().replaceAll("\\s+", " ");
    assertThat(text).contains("/healthz answers 503 once Kafka has not acknowledged for this long; then brazier"
        + " proxy's answers stop waiting for their events, which are logged as lost (default: PT60S).");
  }

  @Test
  void withoutAnUpstreamItDoesNotStart() {
    Run run = run(Map.of(), "proxy");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--upstream");
  }

  @Test
  void anUpstreamThatIsNoHttpUrlIsAUsageError() {
    Run run = run(Map.of(), "proxy", "--upstream", "ftp://fhir.example/fhir");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("--upstream takes the FHIR base URL").doesNotContain("\tat ");
  }

  @Test
  void anUpstreamIdentityWithoutItsTokenUrlNamesTheProxysFlags() {
    Run withoutUrl = run(Map.of(), "proxy", "--upstream", "http://fhir.example/fhir", "--upstream-client-id", "x");
    Run withoutSecret = run(Map.of("BRAZIER_UPSTREAM_TOKEN_URL", "https://login.example/token"), "proxy",
        "--upstream", "http://fhir.example/fhir", "--upstream-client-id", "x");

    assertThat(withoutUrl.exit()).isEqualTo(2);
    assertThat(withoutUrl.err()).startsWith("--upstream-client-id, --upstream-client-secret");
    assertThat(withoutSecret.exit()).isEqualTo(2);
    assertThat(withoutSecret.err()).startsWith("--upstream-token-url needs --upstream-client-id and"
        + " --upstream-client-secret");
  }

  @Test
  void aTrustedProxyThatIsNoAddressIsAUsageError() {
    Run run = run(Map.of(), "proxy", "--upstream", "http://fhir.example/fhir", "--trusted-proxies", "lb.internal");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("--trusted-proxies takes IP addresses or CIDR ranges");
  }

  @Test
  void aBodyLimitNoBodyFitsIsAUsageError() {
    Run run = run(Map.of(), "proxy", "--upstream", "http://fhir.example/fhir", "--max-body-bytes", "-1");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("--max-body-bytes must be between 1 and").doesNotContain("\tat ");
  }

  @Test
  void aNegativeRetryPauseOrWaitIsAUsageError() {
    Run pause = run(Map.of(), "proxy", "--upstream", "http://fhir.example/fhir", "--upstream-retry-pause", "-PT1S");
    Run wait = run(Map.of(), "proxy", "--upstream", "http://fhir.example/fhir", "--upstream-max-retry-wait",
        "-PT1S");

    assertThat(pause.exit()).isEqualTo(2);
    assertThat(pause.err()).startsWith("--upstream-retry-pause must be 0 or more, not PT-1S")
        .doesNotContain("\tat ");
    assertThat(wait.exit()).isEqualTo(2);
    assertThat(wait.err()).startsWith("--upstream-max-retry-wait must be 0 or more, not PT-1S")
        .doesNotContain("\tat ");
  }

  @Test
  void anUnknownProcessorIsAUsageErrorNamingTheProcessorsThereAre() {
    Run run = run(Map.of(), "proxy", "--upstream", "http://fhir.example/fhir", "--pre-processors",
        "transform-bundle,no-such");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("--pre-processors: there is no processor named 'no-such'")
        .contains("date-sort", "transform-bundle").doesNotContain("\tat ");
  }

  @Test
  void anOutsideIssuerWithoutAnAudienceOrBaseUrlIsAUsageError() {
    Run run = run(Map.of(), "proxy", "--upstream", "http://fhir.example/fhir", "--auth-issuer",
        "https://login.example/tenant/v2.0");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("--auth-issuer needs --auth-audience").doesNotContain("\tat ");
  }

  /**
   * A stop closes the proxy's security before its database: the identity-link notices end with it, rather than lose
   * their connection to the closing pool and go on asking the closed pool for another.
   */
  @Test
  void aStopEndsTheIdentityLinkNoticesBeforeTheDatabaseCloses(@TempDir Path dir) throws Exception {
    String[] args = {"proxy", "--upstream", "http://127.0.0.1:9/fhir", "--port", "0", "--data-dir",
        dir.resolve("data").toString()};
    ProxyCommand command = (ProxyCommand) Brazier.commandLine(args).parseArgs(args).subcommand().commandSpec()
        .userObject();
    Set<Thread> before = noticeThreads();

    try (Warnings warnings = Warnings.from(LINK_NOTICES)) {
      command.start().close();

      Set<Thread> started = noticeThreads();
      started.removeAll(before);
      assertThat(started).as("the proxy's notices, after its stop").isEmpty();
      assertThat(warnings.await(LINK_NOTICES, Duration.ZERO)).as("the notices lost their connection").isFalse();
    }
  }

  private static Set<Thread> noticeThreads() {
    Set<Thread> threads = new HashSet<>(Thread.getAllStackTraces().keySet());
    threads.removeIf(thread -> !thread.getName().equals("brazier-identity-link-notices"));
    return threads;
  }

  private record Run(int exit, String err) {}

  private static Run run(Map<String, String> environment, String... args) {
    CommandLine command = Brazier.commandLine(args);
    command.setDefaultValueProvider(Defaults.from(args, environment));
    StringWriter err = new StringWriter();
    command.setErr(new PrintWriter(err));
    return new Run(command.execute(args), err.toString());
  }
}
