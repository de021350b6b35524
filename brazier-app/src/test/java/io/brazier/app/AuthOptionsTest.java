package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthOptionsTest {

  @Test
  void processorsWithoutAuthenticationAreRefused() {
    Serve serve = ServeArguments.parse("--post-processors", "audit");

    assertThat(serve.auth.refusal("127.0.0.1")).contains("--post-processors").contains("need --auth");
  }

  @Test
  void profilesThatAreNoDirectoryAreRefusedNamingTheFlag() {
    Serve serve = ServeArguments.parse("--auth", "--pre-processors", "profile-validation", "--profiles",
        "/no/such/dir");

    assertThat(serve.auth.refusal("127.0.0.1")).isEqualTo("--profiles /no/such/dir is not a directory");
  }

  @Test
  void processorFlagsMakeTheChainsConfiguration() {
    Serve serve = ServeArguments.parse("--auth", "--pre-processors", "everything,profile-validation",
        "--post-processors", "audit", "--processor-option", "audit.header=X-Caller");

    assertThat(serve.auth.refusal("127.0.0.1")).isNull();
    assertThat(serve.auth.processors().pre()).containsExactly("everything", "profile-validation");
    assertThat(serve.auth.processors().post()).containsExactly("audit");
    assertThat(serve.auth.processors().options()).containsEntry("audit.header", "X-Caller");
  }
}
