package io.brazier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientsFileTest {
  @TempDir
  Path dir;

  @Test
  void clientsAreAddedReplacedAndRemovedAndTheSecretIsNeverWritten() throws Exception {
    ClientsFile file = new ClientsFile(dir.resolve("clients.json"));

    boolean replacedFirst = file.add(ClientRegistration.withSecret("app", "a-long-enough-secret", List.of("Reader"),
        List.of(), null));
    boolean replacedSecond = file.add(ClientRegistration.withSecret("app", "another-long-secret", List.of("Writer"),
        List.of("system/*.rs"), "Practitioner/12"));

    assertThat(replacedFirst).isFalse();
    assertThat(replacedSecond).isTrue();
    assertThat(file.list()).singleElement().satisfies(client -> {
      assertThat(client.roles()).containsExactly("Writer");
      assertThat(client.credential()).isEqualTo("secret");
    });
    assertThat(Files.readString(file.path())).doesNotContain("another-long-secret").contains("pbkdf2-sha512");
    assertThat(Files.getPosixFilePermissions(file.path())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(file.remove("app")).isTrue();
    assertThat(file.remove("app")).isFalse();
    assertThat(file.list()).isEmpty();
  }

  @Test
  void aClientWithPublicKeysIsKeptWithThem() {
    ClientsFile file = new ClientsFile(dir.resolve("clients.json"));
    JWKSet keys = new JWKSet(IdentityProvider.ecKey().toPublicJWK());

    file.add(new ClientRegistration("backend", null, null, keys.toJSONObject(), List.of(), List.of("system/*.rs"),
        null));

    assertThat(file.find("backend")).hasValueSatisfying(client ->
        assertThat(client.jwks()).isEqualTo(keys.toJSONObject()));
  }

  @Test
  void aMissingFileHasNoClients() {
    assertThat(new ClientsFile(dir.resolve("none.json")).list()).isEmpty();
  }

  @Test
  void badRegistrationsSayWhatToFix() {
    assertThatThrownBy(() -> ClientRegistration.withSecret("app", "short", List.of(), List.of(), null))
        .hasMessageContaining("16 characters");
    assertThatThrownBy(() -> ClientRegistration.withSecret("a b", "a-long-enough-secret", List.of(), List.of(), null))
        .hasMessageContaining("client id");
    assertThatThrownBy(() -> ClientRegistration.withSecret("app", "a-long-enough-secret", List.of("Reeder"),
        List.of(), null)).hasMessageContaining("'Reeder' is not a role");
    assertThatThrownBy(() -> ClientRegistration.withSecret("app", "a-long-enough-secret", List.of(),
        List.of("system/everything"), null)).hasMessageContaining("not a SMART scope");
    assertThatThrownBy(() -> ClientRegistration.withSecret("app", "a-long-enough-secret", List.of(), List.of(),
        "Dr Who")).hasMessageContaining("Type/id");
    assertThatThrownBy(() -> new ClientRegistration("app", "plain-secret", null, null, List.of(), List.of(), null))
        .hasMessageContaining("stored as its hash");
    assertThatThrownBy(() -> new ClientRegistration("app", null, null, new JWKSet(IdentityProvider.ecKey())
        .toJSONObject(false), List.of(), List.of(), null)).hasMessageContaining("private key");
    assertThatThrownBy(() -> new ClientRegistration("app", null, null, null, List.of(), List.of(), null))
        .hasMessageContaining("exactly one");
  }

  @Test
  void anInvalidFileIsAnErrorNamingIt() throws Exception {
    Path path = Files.writeString(dir.resolve("clients.json"), "{\"clients\":[{\"id\":\"x\"}]}");

    assertThatThrownBy(() -> new ClientsFile(path).list()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(path.toString()).hasMessageContaining("exactly one of a secret");
  }
}
