package io.brazier.sync.target;

import io.brazier.sync.map.Table;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The target's changes that write-back left for the operator in {@code sync_row_change} ({@code refused}: FHIR or
 * their map refused them, or they failed {@code --sync-max-attempts} times), as {@code brazier sync write-back}
 * lists them, takes them again, or discards them.
 */
public final class LeftRowChanges {
  private final TargetDatabase database;

  LeftRowChanges(TargetDatabase database) {
    this.database = database;
  }

  /**
   * A row whose changes were left for the operator: write-back takes a row's changes together, and leaves them
   * together.
   *
   * @param id the row's latest change left, which names the row to {@link #retry} and {@link #discard}
   * @param operation {@code INSERT}, {@code UPDATE} or {@code DELETE}: the latest change's, as the trigger recorded it
   * @param fhirId the FHIR id of the row's resource; null for a row the target inserted
   * @param changes how many changes of the row are left
   * @param error why they were left: FHIR's answer, or what their map refused
   */
  public record Left(long id, String table, UUID key, String operation, String fhirId, int changes, int attempts,
      String error, Instant changedAt) {}

  /** The rows whose changes are left, oldest first, at most {@code limit}; only change {@code id}'s row if given. */
  public List<Left> list(Long id, int limit) throws SQLException {
    return database.transaction(connection -> {
      List<Left> left = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement("SELECT max(id), tbl, row_key,"
          + " (array_agg(op ORDER BY id DESC))[1], (array_agg(coalesce(new_row, old_row)->>'" + Table.FHIR_ID
          + "' ORDER BY id DESC))[1], count(*), max(attempts), (array_agg(error ORDER BY id DESC))[1],"
          + " max(changed_at) FROM sync_row_change WHERE refused GROUP BY tbl, row_key"
          + " HAVING ?::bigint IS NULL OR bool_or(id = ?) ORDER BY max(id) LIMIT ?")) {
        statement.setObject(1, id, Types.BIGINT);
        statement.setObject(2, id, Types.BIGINT);
        statement.setInt(3, limit);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            left.add(new Left(rows.getLong(1), rows.getString(2), rows.getObject(3, UUID.class), rows.getString(4),
                rows.getString(5), rows.getInt(6), rows.getInt(7), rows.getString(8),
                rows.getTimestamp(9).toInstant()));
          }
        }
      }
      return left;
    });
  }

  /**
   * Gives the changes left (all, or those of the row of change {@code id}) back to write-back, their attempts
   * counted afresh, once what FHIR or the map refused is fixed; returns how many.
   */
  public int retry(Long id) throws SQLException {
    return update("UPDATE sync_row_change SET refused = false, attempts = 0", id);
  }

  /** Deletes the changes left (all, or those of the row of change {@code id}): FHIR keeps what it has. */
  public int discard(Long id) throws SQLException {
    return update("DELETE FROM sync_row_change", id);
  }

  private int update(String sql, Long id) throws SQLException {
    return database.transaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement(sql + " WHERE refused AND (?::bigint IS NULL"
          + " OR (tbl, row_key) IN (SELECT tbl, row_key FROM sync_row_change WHERE id = ? AND refused))")) {
        statement.setObject(1, id, Types.BIGINT);
        statement.setObject(2, id, Types.BIGINT);
        return statement.executeUpdate();
      }
    });
  }
}
