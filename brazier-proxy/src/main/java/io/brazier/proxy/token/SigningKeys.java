package io.brazier.proxy.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token server's signing keys (RSA, RS256), kept in the database so that every node signs and verifies with the
 * same keys. A key signs from its {@code active_from} until the next key's; a new key is made {@code rotation}
 * after the last one became active, and becomes active {@link #LEAD} after it is made, so that every node (each
 * reads the keys again every minute) and every resource server caching the JWKS knows it before a token it signed
 * can come. A key is published until the last token it signed has expired, and deleted a day later. Nodes make
 * keys one at a time, under an advisory lock.
 */
public final class SigningKeys implements JWKSource<SecurityContext> {
  private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
  /** How long before it signs a new key is published. */
  static final Duration LEAD = Duration.ofMinutes(10);
  private static final Duration RELOAD_EVERY = Duration.ofMinutes(1);
  private static final Duration RELOAD_FOR_UNKNOWN_KEY = Duration.ofSeconds(5);
  private static final Duration KEEP_RETIRED = Duration.ofDays(1);
  /** Tokens are accepted this long past their expiry (clock skew): their keys are published as long. */
  private static final Duration SKEW = Duration.ofSeconds(60);
  private static final long LOCK = 0x6272617a5f6b6579L;

  /** A key and when it starts signing. */
  record Key(RSAKey jwk, Instant activeFrom) {}

  private final DataSource database;
  private final Clock clock;
  private final Duration rotation;
  private final Duration tokenLifetime;
  private volatile List<Key> keys = List.of();
  private volatile Instant loadedAt = Instant.MIN;
  private Instant reloadedForUnknownKey = Instant.MIN;

  /**
   * @param rotation how long a key signs before the next one takes over
   * @param tokenLifetime how long the tokens it signs live
   */
  public SigningKeys(DataSource database, Clock clock, Duration rotation, Duration tokenLifetime) {
    if (rotation.compareTo(LEAD.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("--auth-key-rotation must be at least " + LEAD.multipliedBy(2));
    }
    this.database = database;
    this.clock = clock;
    this.rotation = rotation;
    this.tokenLifetime = tokenLifetime;
  }

  /** The key that signs now. */
  public RSAKey signing() {
    Key signing = activeKey(fresh());
    if (signing == null) {
      signing = activeKey(reload());
    }
    if (signing == null) {
      throw new IllegalStateException("No signing key is active: the key table was changed by hand?");
    }
    return signing.jwk();
  }

  /** The public keys that tokens may be signed with: the coming key, the active one, and those still trusted. */
  public JWKSet published() {
    return new JWKSet(publishable(fresh()).stream().map(key -> (JWK) key.jwk().toPublicJWK()).toList());
  }

  @Override
  public List<JWK> get(JWKSelector selector, SecurityContext context) {
    List<JWK> found = selector.select(published());
    if (found.isEmpty() && mayReloadForUnknownKey()) {
      reload();
      found = selector.select(published());
    }
    return found;
  }

  private Key activeKey(List<Key> known) {
    Instant now = clock.instant();
    Key active = null;
    for (Key key : known) {
      if (!key.activeFrom().isAfter(now)) {
        active = key;
      }
    }
    return active;
  }

  /** Keys in order of activation, less those whose successor took over longer than a token lives ago. */
  private List<Key> publishable(List<Key> known) {
    Instant now = clock.instant();
    List<Key> published = new ArrayList<>();
    for (int i = 0; i < known.size(); i++) {
      boolean retired = i + 1 < known.size()
          && known.get(i + 1).activeFrom().plus(tokenLifetime).plus(SKEW).isBefore(now);
      if (!retired) {
        published.add(known.get(i));
      }
    }
    return published;
  }

  private List<Key> fresh() {
    return loadedAt.plus(RELOAD_EVERY).isAfter(clock.instant()) ? keys : reloadIfStale();
  }

  /** Reloads unless another thread has just done it. */
  private synchronized List<Key> reloadIfStale() {
    return loadedAt.plus(RELOAD_EVERY).isAfter(clock.instant()) ? keys : reload();
  }

  private synchronized boolean mayReloadForUnknownKey() {
    Instant now = clock.instant();
    if (reloadedForUnknownKey.plus(RELOAD_FOR_UNKNOWN_KEY).isAfter(now)) {
      return false;
    }
    reloadedForUnknownKey = now;
    return true;
  }

  /** Reads the keys, making a new one when it is time and deleting those long retired. */
  synchronized List<Key> reload() {
    try (Connection connection = database.getConnection()) {
      connection.setAutoCommit(false);
      try {
        lock(connection);
        List<Key> known = read(connection);
        Instant now = clock.instant();
        if (known.isEmpty() || !known.get(known.size() - 1).activeFrom().plus(rotation).minus(LEAD).isAfter(now)) {
          known.add(insert(connection, known.isEmpty() ? now : now.plus(LEAD)));
        }
        deleteRetired(connection, known, now);
        connection.commit();
        keys = List.copyOf(known);
        loadedAt = clock.instant();
        return keys;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("The signing keys could not be read: " + e.getMessage(), e);
    }
  }

  private static void lock(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      statement.setLong(1, LOCK);
      statement.execute();
    }
  }

  private static List<Key> read(Connection connection) throws SQLException {
    List<Key> known = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT jwk, active_from FROM brazier_proxy.signing_key ORDER BY active_from");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        known.add(new Key(RSAKey.parse(rows.getString(1)), rows.getTimestamp(2).toInstant()));
      }
    } catch (ParseException e) {
      throw new SQLException("A stored signing key is not a JWK: " + e.getMessage(), e);
    }
    return known;
  }

  private Key insert(Connection connection, Instant activeFrom) throws SQLException {
    RSAKey jwk = generate();
    try (PreparedStatement statement = connection.prepareStatement(
        "INSERT INTO brazier_proxy.signing_key (kid, jwk, active_from) VALUES (?, ?, ?)")) {
      statement.setString(1, jwk.getKeyID());
      statement.setString(2, jwk.toJSONString());
      statement.setTimestamp(3, Timestamp.from(activeFrom));
      statement.executeUpdate();
    }
    log.info("Signing key made kid={} activeFrom={}", jwk.getKeyID(), activeFrom);
    return new Key(jwk, activeFrom);
  }

  /** Deletes the keys that stopped being published more than a day ago; {@code known} loses them too. */
  private void deleteRetired(Connection connection, List<Key> known, Instant now) throws SQLException {
    while (known.size() > 1 && known.get(1).activeFrom().plus(tokenLifetime).plus(SKEW).plus(KEEP_RETIRED)
        .isBefore(now)) {
      try (PreparedStatement statement = connection.prepareStatement(
          "DELETE FROM brazier_proxy.signing_key WHERE kid = ?")) {
        statement.setString(1, known.get(0).jwk().getKeyID());
        statement.executeUpdate();
      }
      known.remove(0);
    }
  }

  private static RSAKey generate() {
    try {
      return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
          .keyIDFromThumbprint(true).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("RSA key generation is part of every JDK", e);
    }
  }
}
