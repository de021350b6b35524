package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthOptionsTest {

  @Test
  void processorsWithoutAuthenticationAreRefused() {
    Serve serve = ServeArguments.parse("--post-processors", "audit");

    assertThat(serve.auth.refusal("127.0.0.1", null)).contains("--post-processors").contains("need --auth");
  }

  @Test
  void securityFlagsWithoutAuthenticationAreRefusedRatherThanIgnored() {
    Serve issuer = ServeArguments.parse("--auth-issuer", "https://login.example/tenant/v2.0", "--auth-audience",
        "api://brazier");
    Serve globalRole = ServeArguments.parse("--global-role", "DataScientist");

    assertThat(issuer.auth.refusal("127.0.0.1", null))
        .isEqualTo("Without --auth the server is open and would ignore --auth-issuer, --auth-audience: add --auth,"
            + " or leave them out.");
    assertThat(globalRole.auth.refusal("127.0.0.1", null)).contains("ignore --global-role:");
    assertThat(ServeArguments.parse().auth.refusal("127.0.0.1", null)).isNull();
  }

  @Test
  void profilesThatAreNoDirectoryAreRefusedNamingTheFlag() {
    Serve serve = ServeArguments.parse("--auth", "--pre-processors", "profile-validation", "--profiles",
        "/no/such/dir");

    assertThat(serve.auth.refusal("127.0.0.1", null)).isEqualTo("--profiles /no/such/dir is not a directory");
  }

  @Test
  void processorFlagsMakeTheChainsConfiguration() {
    Serve serve = ServeArguments.parse("--auth", "--pre-processors", "everything,profile-validation",
        "--post-processors", "audit", "--processor-option", "audit.header=X-Caller");

    assertThat(serve.auth.refusal("127.0.0.1", null)).isNull();
    assertThat(serve.auth.processors().pre()).containsExactly("everything", "profile-validation");
    assertThat(serve.auth.processors().post()).containsExactly("audit");
    assertThat(serve.auth.processors().options()).containsEntry("audit.header", "X-Caller");
  }

  @Test
  void anOutsideIssuerNeedsAnAudienceNoRequestChooses() {
    String issuer = "https://login.example/tenant/v2.0";
    Serve alone = ServeArguments.parse("--auth", "--auth-issuer", issuer);
    Serve withAudience = ServeArguments.parse("--auth", "--auth-issuer", issuer, "--auth-audience",
        "https://fhir.example/fhir");

    assertThat(alone.auth.refusal("127.0.0.1", null)).startsWith("--auth-issuer needs --auth-audience")
        .contains("--base-url", "Host header");
    assertThat(alone.auth.refusal("127.0.0.1", "https://fhir.example/fhir")).isNull();
    assertThat(withAudience.auth.refusal("127.0.0.1", null)).isNull();
  }
}
