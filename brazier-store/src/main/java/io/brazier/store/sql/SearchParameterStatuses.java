package io.brazier.store.sql;

import io.brazier.store.StoreFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The statuses administrators gave search parameters ({@code search_parameter_status}), by url. A change of them
 * sends, in its transaction, the notice a commit of a SearchParameter sends, so that every node reads its
 * parameters again, statuses included, once it commits.
 */
final class SearchParameterStatuses {
  /** The type whose listeners keep the search parameters. */
  static final Set<String> NOTICE = Set.of("SearchParameter");
  private static final String UPSERT = """
      INSERT INTO search_parameter_status (url, status) VALUES (?, ?)
      ON CONFLICT (url) DO UPDATE SET status = excluded.status, updated = now()""";

  private final DataSource dataSource;

  SearchParameterStatuses(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  Map<String, String> read() {
    Map<String, String> statuses = new TreeMap<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement("SELECT url, status FROM search_parameter_status");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        statuses.put(rows.getString(1), rows.getString(2));
      }
      return statuses;
    } catch (SQLException e) {
      throw new StoreFailure("Could not read the search parameters' statuses", e);
    }
  }

  /** Sets the statuses given, and announces it to every node, in one transaction. */
  void write(Map<String, String> statuses) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
        for (Map.Entry<String, String> status : statuses.entrySet()) {
          upsert.setString(1, status.getKey());
          upsert.setString(2, status.getValue());
          upsert.addBatch();
        }
        upsert.executeBatch();
        ChangeNotices.announce(connection, 0, NOTICE);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        Rollbacks.rollBack(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not set the statuses of " + statuses.size() + " search parameters", e);
    }
  }
}
