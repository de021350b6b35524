package io.brazier.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.testkit.ClosedPort;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** A failure of the database tells whether it went away (worth a 503 and a retry) or a statement ran out of time. */
class StoreFailureTest {
  private final TestStore store = TestStore.shared();

  @Test
  void aStatementPastItsTimeoutIsATimeoutAndNotAnOutage() throws SQLException {
    SQLException failure = failing("SET LOCAL statement_timeout = '10ms'", "SELECT pg_sleep(5)");

    StoreFailure storeFailure = new StoreFailure("Could not search", failure);

    assertThat(storeFailure.isTimeout()).isTrue();
    assertThat(storeFailure.isUnavailable()).isFalse();
    assertThat(storeFailure).hasMessageStartingWith("Could not search: ").hasCause(failure);
  }

  @Test
  void aDatabaseThatCannotBeReachedIsAnOutage() {
    SQLException refused = null;
    String nowhere = "jdbc:postgresql://" + ClosedPort.address() + "/brazier";
    try (Connection connection = DriverManager.getConnection(nowhere)) {
      connection.isValid(1);
    } catch (SQLException e) {
      refused = e;
    }

    StoreFailure failure = new StoreFailure("Could not read", refused);

    assertThat(failure.isUnavailable()).isTrue();
    assertThat(failure.isTimeout()).isFalse();
    assertThat(new StoreFailure("Could not read", new SQLTransientConnectionException("pool exhausted"))
        .isUnavailable()).as("no connection from the pool in time").isTrue();
  }

  @Test
  void aBrokenConstraintIsNeitherOutageNorTimeout() throws SQLException {
    SQLException failure = failing("CREATE TEMP TABLE once (id int PRIMARY KEY)", "INSERT INTO once VALUES (1), (1)");

    StoreFailure storeFailure = new StoreFailure("Could not store", failure);

    assertThat(storeFailure.isUnavailable()).isFalse();
    assertThat(storeFailure.isTimeout()).isFalse();
  }

  /** The failure of the last statement, the ones before it having run, in a transaction rolled back after. */
  private SQLException failing(String... statements) throws SQLException {
    try (Connection connection = store.database().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      try {
        for (String sql : statements) {
          statement.execute(sql);
        }
        throw new AssertionError("the last statement did not fail");
      } catch (SQLException e) {
        return e;
      } finally {
        connection.rollback();
        connection.setAutoCommit(true);
      }
    }
  }
}
