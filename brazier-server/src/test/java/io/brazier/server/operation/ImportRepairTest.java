package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an import leaves when no runner of it is left to clean up (it was cancelled while its node was down) is
 * cleaned up by a node that is up, without a restart: the search indexes it dropped are built, its staging dropped.
 */
class ImportRepairTest {

  @Test
  void anImportCancelledWhileItsNodeIsDownHasItsIndexesBuiltAndItsStagingDroppedByANodeThatIsUp() throws Exception {
    try (TestServer server = TestServer.start(ServerConfig.defaults())) {
      List<String> before = indexes(server);
      // The import of a node that died on an empty store: its staging made and the search indexes dropped. Its kind
      // is one that no node here runs, so that only the cleanup touches it, as no runner resumes a cancelled job.
      String job = server.store().jobs().submit("import-of-a-dead-node", "{}", null);
      server.store().imports().open(job);
      server.store().imports().dropIndexes(job);
      List<String> dropped = indexes(server);
      server.store().jobs().cancel(job);

      long deadline = System.nanoTime() + 3 * Jobs.LEASE.toNanos();
      while (System.nanoTime() < deadline && !(indexes(server).equals(before) && staging(server, job).isEmpty())) {
        Thread.sleep(500);
      }

      assertThat(dropped).hasSizeLessThan(before.size());
      assertThat(indexes(server)).as("the search indexes").isEqualTo(before);
      assertThat(staging(server, job)).as("the staging").isEmpty();
    }
  }

  private static List<String> indexes(TestServer server) throws SQLException {
    return strings(server, "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        + " AND tablename LIKE 'search\\_%' ORDER BY indexname", null);
  }

  private static List<String> staging(TestServer server, String job) throws SQLException {
    return strings(server, "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE ? ORDER BY relname",
        "import\\_" + job.replace("-", "") + "\\_%");
  }

  private static List<String> strings(TestServer server, String sql, String argument) throws SQLException {
    try (Connection connection = server.database().dataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      if (argument != null) {
        statement.setString(1, argument);
      }
      List<String> values = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          values.add(rows.getString(1));
        }
      }
      return values;
    }
  }
}
