package io.brazier.store.sql;

import io.brazier.store.HistoryCursor;
import io.brazier.store.HistoryPage;
import io.brazier.store.HistoryQuery;
import io.brazier.store.ResourceVersion;
import io.brazier.store.StoreFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Reads history (instance, type or system), newest first, one keyset page at a time. */
final class HistoryReader {
  private final DataSource dataSource;
  private final TypeKeys types;

  HistoryReader(DataSource dataSource, TypeKeys types) {
    this.dataSource = dataSource;
    this.types = types;
  }

  HistoryPage page(HistoryQuery query) {
    if (query.at().isEmpty()) {
      return new HistoryPage(List.of(), List.of(), null);
    }
    List<Object> args = new ArrayList<>();
    String current = select("resource", null, query, args);
    String past = select("resource_history", "replaced_at", query, args);
    // Whether a version above 1 creates its resource: its previous version, the highest below it in
    // resource_history (by its key), is a deletion, or there is none (an import may start history above 1), unless
    // a purge removed a live previous version (resource.updates_purged).
    String recreates = "NOT v.deleted AND v.version > 1 AND coalesce((SELECT p.deleted FROM resource_history p"
        + " WHERE p.rid = v.rid AND p.version < v.version ORDER BY p.version DESC LIMIT 1),"
        + " v.version IS DISTINCT FROM r.updates_purged)";
    String sql = "SELECT v.rid, v.type, r.id, v.version, v.last_updated, v.deleted, v.body, r.created_by_put, "
        + recreates + ", v.patched FROM (" + current + " UNION ALL " + past + ") v JOIN resource r ON r.rid = v.rid"
        + " ORDER BY v.last_updated DESC, v.rid DESC, v.version DESC LIMIT ?";
    args.add(query.count() + 1);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        statement.setObject(i + 1, args.get(i));
      }
      List<ResourceVersion> versions = new ArrayList<>();
      List<HistoryCursor> positions = new ArrayList<>();
      HistoryCursor next = null;
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          if (versions.size() == query.count()) {
            next = positions.get(positions.size() - 1);
            break;
          }
          Timestamp updated = rows.getTimestamp(5);
          versions.add(new ResourceVersion(types.name(rows.getShort(2)), rows.getString(3), rows.getInt(4),
              updated.toInstant(), rows.getBoolean(6), rows.getBytes(7), rows.getBoolean(8), rows.getBoolean(9),
              rows.getBoolean(10)));
          positions.add(new HistoryCursor(updated.toInstant(), rows.getLong(1), rows.getInt(4)));
        }
      }
      return new HistoryPage(versions, positions, next);
    } catch (SQLException e) {
      throw new StoreFailure("Could not read history", e);
    }
  }

  /**
   * One arm of the union, with the query's filters. {@code replacedAt} is the column that says when a version stopped
   * being current; null for the current versions, which still are.
   */
  private String select(String table, String replacedAt, HistoryQuery query, List<Object> args) {
    StringBuilder sql = new StringBuilder("SELECT rid, type, version, last_updated, deleted, body, patched FROM ")
        .append(table).append(" WHERE true");
    if (query.id() != null) {
      sql.append(" AND rid = (SELECT rid FROM resource WHERE type = ? AND id = ?)");
      args.add(types.key(query.type()));
      args.add(query.id());
    } else if (query.type() != null) {
      sql.append(" AND type = ?");
      args.add(types.key(query.type()));
    }
    if (query.since() != null) {
      sql.append(" AND last_updated >= ?");
      args.add(Timestamp.from(query.since()));
    }
    // Current at some point of [start, end): it became current before the end and was replaced after the start.
    if (query.at().end() != null) {
      sql.append(" AND last_updated < ?");
      args.add(Timestamp.from(query.at().end()));
    }
    if (query.at().start() != null && replacedAt != null) {
      sql.append(" AND ").append(replacedAt).append(" > ?");
      args.add(Timestamp.from(query.at().start()));
    }
    if (query.before() != null) {
      // The plain bound lets the last_updated indexes skip to the cursor; the row comparison breaks the ties.
      sql.append(" AND last_updated <= ? AND (last_updated, rid, version) < (?, ?, ?)");
      Timestamp before = Timestamp.from(query.before().lastUpdated());
      args.add(before);
      args.add(before);
      args.add(query.before().rid());
      args.add(query.before().version());
    }
    return sql.toString();
  }
}
