package io.brazier.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PublisherLeaseTest {
  private static final DataSource database = Publishers.database();

  @BeforeAll
  static void migrate() {
    PublisherLease.migrate(database);
  }

  @Test
  void oneLeaseHoldsAtATimeAndAnotherTakesItWhenItIsLetGo() throws SQLException {
    String name = "lease-" + Publishers.unique();
    try (PublisherLease first = new PublisherLease(database, name);
        PublisherLease second = new PublisherLease(database, name);
        PublisherLease elsewhere = new PublisherLease(database, "other-" + name)) {
      assertThat(first.tryAcquire()).isTrue();
      assertThat(second.tryAcquire()).isFalse();
      assertThat(elsewhere.tryAcquire()).as("another publisher's name").isTrue();

      first.close();

      assertThat(second.tryAcquire()).isTrue();
    }
  }

  @Test
  void theCheckpointStartsAtZeroAndOutlivesTheLease() throws SQLException {
    String name = "checkpoint-" + Publishers.unique();
    try (PublisherLease first = new PublisherLease(database, name)) {
      first.tryAcquire();
      assertThat(first.checkpoint()).isZero();
      first.advance(41);
      first.advance(42);
    }

    try (PublisherLease next = new PublisherLease(database, name)) {
      next.tryAcquire();
      assertThat(next.checkpoint()).isEqualTo(42);
    }
  }

  @Test
  void aHolderWhoseSessionDiedCannotMoveTheCheckpointAndAnotherTakesOver() throws SQLException {
    String name = "killed-" + Publishers.unique();
    try (PublisherLease first = new PublisherLease(database, name);
        PublisherLease second = new PublisherLease(database, name)) {
      first.tryAcquire();
      first.advance(7);

      terminateSessionsHolding(name);

      assertThatThrownBy(() -> first.advance(8)).isInstanceOf(LeaseLost.class);
      assertThat(first.holds()).isFalse();
      assertThat(second.tryAcquire()).isTrue();
      assertThat(second.checkpoint()).isEqualTo(7);
    }
  }

  /** Ends the database session that holds the publisher's lock, as the death of its node would. */
  private static void terminateSessionsHolding(String name) throws SQLException {
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
          + " AND classid = x'62727a65'::int AND objid = hashtext('" + name + "')::oid");
    }
  }
}
