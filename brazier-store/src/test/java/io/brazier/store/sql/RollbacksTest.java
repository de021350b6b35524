package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.TestStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A rollback after a failure undoes the transaction and, when it fails too, never hides the first failure. */
class RollbacksTest {
  private final DataSource dataSource = TestStore.shared().database().dataSource();
  private final String table = "rollback_" + UUID.randomUUID().toString().replace("-", "");

  @Test
  void aRollbackUndoesTheTransactionAndLeavesTheFailureAsItWas() throws SQLException {
    execute("CREATE TABLE " + table + " (id int)");
    IllegalStateException failure = new IllegalStateException("first");
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.execute("INSERT INTO " + table + " VALUES (1)");

      Rollbacks.rollBack(connection, failure);
      connection.setAutoCommit(true);
    }

    assertThat(rows()).isZero();
    assertThat(failure.getSuppressed()).isEmpty();
    execute("DROP TABLE " + table);
  }

  @Test
  void aRollbackThatFailsTooIsKeptInsideTheFirstFailure() throws SQLException {
    IllegalStateException failure = new IllegalStateException("first");
    Connection connection = dataSource.getConnection();
    connection.setAutoCommit(false);
    connection.unwrap(Connection.class).close(); // the physical connection breaks, as when the database stops

    Rollbacks.rollBack(connection, failure);

    assertThat(failure).hasMessage("first");
    assertThat(failure.getSuppressed()).singleElement().isInstanceOf(SQLException.class);
    connection.close();
  }

  private long rows() throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM " + table)) {
      row.next();
      return row.getLong(1);
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
