package io.brazier.proxy.auth;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of an issuer (or a client), fetched from where they are published and kept: fetched again once they
 * are older than {@code maxAge}, and when a token names a key they lack ({@code kid}) - at most once per
 * {@code refreshInterval}, so that tokens with made-up key ids cannot make this node hammer the issuer. A fetch that
 * fails keeps the keys known so far and is tried again after {@code refreshInterval}.
 */
public final class KeySetCache implements JWKSource<SecurityContext> {
  private static final Logger log = LoggerFactory.getLogger(KeySetCache.class);

  /** Fetches the current key set; an exception when it cannot. */
  @FunctionalInterface
  public interface Fetch {
    JWKSet keys() throws Exception;
  }

  private final String name;
  private final Fetch fetch;
  private final Clock clock;
  private final Duration maxAge;
  private final Duration refreshInterval;
  private volatile JWKSet keys;
  private volatile Instant fetched = Instant.MIN;
  private Instant lastRefresh = Instant.MIN;

  /** @param name what the keys are of, for the log: an issuer or a client */
  public KeySetCache(String name, Fetch fetch, Clock clock, Duration maxAge, Duration refreshInterval) {
    this.name = name;
    this.fetch = fetch;
    this.clock = clock;
    this.maxAge = maxAge;
    this.refreshInterval = refreshInterval;
  }

  @Override
  public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
    JWKSet current = current();
    List<JWK> found = selector.select(current);
    if (found.isEmpty() && mayRefresh()) {
      log.info("A token names a key not known, fetching keys again of={}", name);
      found = selector.select(load(current));
    }
    return found;
  }

  private JWKSet current() throws KeySourceException {
    JWKSet known = keys;
    if (known != null && fetched.plus(maxAge).isAfter(clock.instant())) {
      return known;
    }
    synchronized (this) {
      return keys != null && fetched.plus(maxAge).isAfter(clock.instant()) ? keys : load(keys);
    }
  }

  /** Whether a refresh for an unknown key may go out now; if so, the next one waits its interval. */
  private synchronized boolean mayRefresh() {
    Instant now = clock.instant();
    if (lastRefresh.plus(refreshInterval).isAfter(now)) {
      return false;
    }
    lastRefresh = now;
    return true;
  }

  private synchronized JWKSet load(JWKSet known) throws KeySourceException {
    try {
      JWKSet loaded = fetch.keys();
      keys = loaded;
      fetched = clock.instant();
      return loaded;
    } catch (Exception e) {
      if (known == null) {
        throw new KeySourceException("The keys of " + name + " could not be fetched: " + e.getMessage(), e);
      }
      log.warn("Keys could not be fetched again, the known ones stay of={}: {}", name, e.getMessage());
      fetched = clock.instant().minus(maxAge).plus(refreshInterval); // tried again after an interval, not at once
      return known;
    }
  }
}
