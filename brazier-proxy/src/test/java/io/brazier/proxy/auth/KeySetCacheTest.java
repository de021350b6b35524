package io.brazier.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import io.brazier.proxy.IdentityProvider;
import io.brazier.proxy.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class KeySetCacheTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final AtomicReference<JWKSet> published = new AtomicReference<>();
  private final AtomicInteger fetches = new AtomicInteger();
  private final KeySetCache cache = new KeySetCache("a test issuer", () -> {
    fetches.incrementAndGet();
    JWKSet keys = published.get();
    if (keys == null) {
      throw new IOException("the issuer is down");
    }
    return keys;
  }, clock, Duration.ofHours(1), Duration.ofMinutes(1));

  @Test
  void anUnknownKeyIdFetchesAgainAtMostOncePerInterval() throws Exception {
    RSAKey first = IdentityProvider.rsaKey();
    RSAKey second = IdentityProvider.rsaKey();
    RSAKey third = IdentityProvider.rsaKey();
    published.set(new JWKSet(first));
    assertThat(find(first)).isTrue();

    published.set(new JWKSet(second));
    boolean secondFound = find(second);
    published.set(new JWKSet(third));
    boolean thirdWithinTheMinute = find(third);
    clock.advance(Duration.ofMinutes(1));
    boolean thirdAfterTheMinute = find(third);

    assertThat(secondFound).isTrue();
    assertThat(thirdWithinTheMinute).isFalse();
    assertThat(thirdAfterTheMinute).isTrue();
    assertThat(fetches.get()).isEqualTo(3);
  }

  @Test
  void keysAreFetchedAgainWhenOldAndKeptWhenTheIssuerIsDown() throws Exception {
    RSAKey key = IdentityProvider.rsaKey();
    published.set(new JWKSet(key));
    find(key);

    published.set(null);
    clock.advance(Duration.ofHours(2));
    boolean keptWhileDown = find(key);
    boolean keptWithinTheRetryInterval = find(key);

    assertThat(keptWhileDown).isTrue();
    assertThat(keptWithinTheRetryInterval).isTrue();
    assertThat(fetches.get()).as("one fetch, one failed fetch, no retry at once").isEqualTo(2);
  }

  @Test
  void noKeysAtAllIsAKeySourceException() {
    assertThatThrownBy(() -> find(IdentityProvider.rsaKey())).isInstanceOf(KeySourceException.class)
        .hasMessageContaining("a test issuer").hasMessageContaining("the issuer is down");
  }

  private boolean find(RSAKey key) throws KeySourceException {
    return !cache.get(new JWKSelector(new JWKMatcher.Builder().keyID(key.getKeyID()).build()), null).isEmpty();
  }
}
