package io.brazier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client's registration and its keys: a JWKS URL the token server could not fetch from, or a key set that holds
 * no public key, is refused with a sentence naming the client. (Secrets, roles and scopes: {@link ClientsFileTest}.)
 */
class ClientRegistrationTest {

  @Test
  void aClientWithAJwksUrlOrItsPublicKeysIsRegisteredAndListedWithoutThem() {
    ClientRegistration byUrl = keys("https://backend.example.org/.well-known/jwks.json", null);
    ClientRegistration inline = keys(null, new JWKSet(IdentityProvider.ecKey().toPublicJWK()).toJSONObject());

    assertThat(byUrl.credential()).isEqualTo("jwks-url https://backend.example.org/.well-known/jwks.json");
    assertThat(inline.credential()).isEqualTo("jwks (inline)");
    assertThat(ClientRegistration.withSecret("app", "a-long-enough-secret", null, null, null).credential())
        .isEqualTo("secret");
  }

  @Test
  void aJwksUrlThatIsNoHttpUrlOfAHostIsRefused() {
    for (String url : List.of("ftp://backend.example.org/jwks", "file:///etc/keys.json", "https:///jwks",
        "/jwks", "https://back end.example.org/jwks")) {
      assertThatThrownBy(() -> keys(url, null)).as(url).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Client backend: the JWKS URL must be an http or https URL of a host: " + url);
    }
  }

  @Test
  void aKeySetWithoutKeysOrThatIsNoKeySetIsRefused() {
    assertThatThrownBy(() -> keys(null, Map.of("keys", List.of())))
        .hasMessage("Client backend: the JWKS has no keys.");
    assertThatThrownBy(() -> keys(null, Map.of("keys", "none")))
        .hasMessageStartingWith("Client backend: the JWKS is not a JWK Set");
  }

  @Test
  void aJwksUrlBesideInlineKeysIsRefused() {
    assertThatThrownBy(() -> keys("https://backend.example.org/jwks",
        new JWKSet(IdentityProvider.ecKey().toPublicJWK()).toJSONObject()))
        .hasMessage("Client backend needs exactly one of a secret, a JWKS URL and a JWKS.");
  }

  private static ClientRegistration keys(String jwksUrl, Map<String, Object> jwks) {
    return new ClientRegistration("backend", null, jwksUrl, jwks, List.of(), List.of("system/*.rs"), null);
  }
}
