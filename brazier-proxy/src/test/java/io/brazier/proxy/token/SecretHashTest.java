package io.brazier.proxy.token;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretHashTest {

  @Test
  void aHashMatchesItsSecretOnly() {
    String hash = SecretHash.of("correct horse battery staple");

    assertThat(hash).startsWith("pbkdf2-sha512$210000$").doesNotContain("correct");
    assertThat(SecretHash.matches("correct horse battery staple", hash)).isTrue();
    assertThat(SecretHash.matches("correct horse battery stapler", hash)).isFalse();
  }

  @Test
  void theSameSecretHashesDifferentlyEachTimeForItsSalt() {
    assertThat(SecretHash.of("a secret", 1_000)).isNotEqualTo(SecretHash.of("a secret", 1_000));
  }

  @Test
  void theIterationsAreReadFromTheHash() {
    String quick = SecretHash.of("a secret", 1_000);

    assertThat(SecretHash.matches("a secret", quick)).isTrue();
    assertThat(SecretHash.matches("a secret", quick.replace("$1000$", "$1001$"))).isFalse();
  }

  @Test
  void whatIsNotAHashOfThisKindMatchesNothing() {
    assertThat(SecretHash.matches("plain", "plain")).isFalse();
    assertThat(SecretHash.matches("x", null)).isFalse();
    assertThat(SecretHash.matches("x", "pbkdf2-sha512$notanumber$AA$AA")).isFalse();
    assertThat(SecretHash.isHash("a-secret-pasted-in-by-hand")).isFalse();
  }
}
