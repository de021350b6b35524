package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who sends a request, as authentication read it: anonymous, a system of this process, or a token's claims. */
class CallerTest {
  @Test
  void anonymousHasNoIdentityRolesOrSource() {
    assertThat(Caller.ANONYMOUS.isAnonymous()).isTrue();
    assertThat(Caller.ANONYMOUS.identity()).isNull();
    assertThat(Caller.ANONYMOUS.hasRole("Reader")).isFalse();
    assertThat(Caller.ANONYMOUS.source()).isNull();
  }

  @Test
  void aSystemMarksItsWritesButIsNobodyInParticular() {
    Caller sync = Caller.system(Caller.SYNC_AGENT_SOURCE);

    assertThat(sync.source()).isEqualTo("urn:brazier:sync");
    assertThat(sync.isAnonymous()).isTrue();
  }

  @Test
  void theIdentityIsTheSameAcrossTokensOfTheSameSubjectAndClient() {
    Caller reader = caller("https://issuer", "user-1", "app", Set.of("Reader"));
    Caller writer = caller("https://issuer", "user-1", "app", Set.of("Writer"));
    Caller otherApp = caller("https://issuer", "user-1", "other-app", Set.of("Reader"));
    Caller otherIssuer = caller("https://elsewhere", "user-1", "app", Set.of("Reader"));

    assertThat(writer.identity()).isEqualTo(reader.identity());
    assertThat(otherApp.identity()).isNotEqualTo(reader.identity());
    assertThat(otherIssuer.identity()).isNotEqualTo(reader.identity());
  }

  @Test
  void aClientWithoutAUserIsNotAnonymous() {
    Caller service = caller("https://issuer", null, "backend-service", Set.of());

    assertThat(service.isAnonymous()).isFalse();
    assertThat(service.identity()).contains("backend-service");
  }

  @Test
  void rolesAreACopy() {
    Set<String> roles = new HashSet<>(Set.of("Reader"));
    Caller caller = caller("https://issuer", "user-1", "app", roles);

    roles.add("Administrator");

    assertThat(caller.hasRole("Reader")).isTrue();
    assertThat(caller.hasRole("Administrator")).isFalse();
  }

  private static Caller caller(String issuer, String subject, String clientId, Set<String> roles) {
    return new Caller(issuer, subject, clientId, roles, Set.of(), null, null, null);
  }
}
