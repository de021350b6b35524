package io.brazier.proxy.token;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The client assertions already used, by client and {@code jti}, in the database: an assertion replayed to any
 * node is refused, as long as it could still be accepted. Expired ones are deleted now and then.
 */
final class AssertionLedger {
  private static final Duration PURGE_EVERY = Duration.ofMinutes(10);

  private final DataSource database;
  private final Clock clock;
  private Instant purged = Instant.MIN;

  AssertionLedger(DataSource database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /** Records the assertion; false when it was recorded before (a replay). */
  boolean firstUse(String clientId, String jti, Instant expires) {
    purgeNowAndThen();
    try (Connection connection = database.getConnection();
        PreparedStatement statement = connection.prepareStatement("INSERT INTO brazier_proxy.used_assertion"
            + " (client_id, jti, expires) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
      statement.setString(1, clientId);
      statement.setString(2, jti);
      statement.setTimestamp(3, Timestamp.from(expires));
      return statement.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new IllegalStateException("The used client assertions could not be recorded: " + e.getMessage(), e);
    }
  }

  private void purgeNowAndThen() {
    synchronized (this) {
      Instant now = clock.instant();
      if (purged.plus(PURGE_EVERY).isAfter(now)) {
        return;
      }
      purged = now;
    }
    try (Connection connection = database.getConnection();
        PreparedStatement statement = connection.prepareStatement(
            "DELETE FROM brazier_proxy.used_assertion WHERE expires < now()")) {
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("Expired client assertions could not be deleted: " + e.getMessage(), e);
    }
  }
}
