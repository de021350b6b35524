package io.brazier.proxy.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.RSAKey;
import io.brazier.proxy.MutableClock;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.sql.Database;
import io.brazier.testkit.TempFolders;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signing keys over days of a moved clock, on a database of their own (moving the shared database's keys days
 * ahead would retire the keys of the other tests' server).
 */
class SigningKeysTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration LIFETIME = Duration.ofMinutes(5);
  private static Path folder;
  private static Database database;

  @BeforeAll
  static void database() throws Exception {
    folder = TempFolders.create("brazier-keys");
    database = Database.open(DatabaseConfig.embedded(folder));
    Flyway.configure().dataSource(database.dataSource()).schemas("brazier_proxy").locations("classpath:db/proxy")
        .load().migrate();
  }

  @AfterAll
  static void close() {
    database.close();
    TempFolders.delete(folder);
  }

  @Test
  void keysRotateArePublishedBeforeTheySignAndRetireAfterTheirLastToken() {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    SigningKeys node = new SigningKeys(database.dataSource(), clock, DAY, LIFETIME);
    RSAKey first = node.signing();

    clock.advance(DAY.minus(SigningKeys.LEAD).plusMinutes(1));
    RSAKey stillFirst = node.signing();
    List<String> publishedBeforeSwitch = kids(node);
    clock.advance(SigningKeys.LEAD);
    RSAKey second = node.signing();
    List<String> publishedAfterSwitch = kids(node);
    clock.advance(LIFETIME.plusMinutes(2));
    List<String> publishedLater = kids(node);

    assertThat(stillFirst.getKeyID()).isEqualTo(first.getKeyID());
    assertThat(second.getKeyID()).isNotEqualTo(first.getKeyID());
    assertThat(publishedBeforeSwitch).containsExactly(first.getKeyID(), second.getKeyID());
    assertThat(publishedAfterSwitch).as("tokens of the first key still live").contains(first.getKeyID());
    assertThat(publishedLater).doesNotContain(first.getKeyID()).contains(second.getKeyID());
  }

  @Test
  void nodesShareTheKeysThroughTheDatabase() {
    MutableClock clock = new MutableClock(Instant.parse("2040-01-01T00:00:00Z"));
    SigningKeys one = new SigningKeys(database.dataSource(), clock, DAY, LIFETIME);
    SigningKeys other = new SigningKeys(database.dataSource(), clock, DAY, LIFETIME);

    RSAKey signing = one.signing();
    List<JWK> found = other.get(new JWKSelector(new JWKMatcher.Builder().keyID(signing.getKeyID()).build()), null);

    assertThat(other.signing().getKeyID()).isEqualTo(signing.getKeyID());
    assertThat(found).singleElement().satisfies(key -> assertThat(key.isPrivate()).isFalse());
  }

  @Test
  void keysLongRetiredAreDeleted() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2050-01-01T00:00:00Z"));
    SigningKeys node = new SigningKeys(database.dataSource(), clock, DAY, LIFETIME);
    String first = node.signing().getKeyID();

    for (int day = 0; day < 3; day++) {
      clock.advance(DAY);
      node.signing();
    }

    assertThat(storedKids()).doesNotContain(first);
  }

  private static List<String> kids(SigningKeys keys) {
    return keys.published().getKeys().stream().map(JWK::getKeyID).toList();
  }

  private static List<String> storedKids() throws Exception {
    try (var connection = database.dataSource().getConnection();
        var rows = connection.createStatement().executeQuery("SELECT kid FROM brazier_proxy.signing_key")) {
      List<String> kids = new java.util.ArrayList<>();
      while (rows.next()) {
        kids.add(rows.getString(1));
      }
      return kids;
    }
  }
}
