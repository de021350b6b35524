package io.brazier.store.sql;

import io.brazier.store.Change;
import io.brazier.store.ChangePage;
import io.brazier.store.ChangeQuery;
import io.brazier.store.ChangesGone;
import io.brazier.store.StoreFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads the change feed: numbered rows only, so readers take no lock and never wait for the sequencer or for each
 * other. One statement reads a page together with the oldest and newest sequences the feed holds, in one snapshot:
 * a {@code since} older than the oldest kept is refused ({@link ChangesGone}) rather than answered with a gap. A page
 * of some types looks at the next {@link #SCAN} sequences at most, so that a reader of a rare type costs little; its
 * {@code last} then moves past them. A reader that asks to wait and finds nothing waits for a notice of its types
 * ({@link ChangeNotices}) and reads again.
 */
final class ChangeFeed {
  /** Most sequences a page of some types looks at. */
  static final int SCAN = 10_000;
  // The sequencer numbers without gaps and retention deletes the oldest rows (never the newest), so the feed holds
  // every sequence from the oldest kept to the newest, and the next SCAN sequences are at most SCAN rows.
  // A page without the resources reads the change rows alone: each says whether it created its resource by PUT.
  private static final String PAGE = """
      SELECT k.first, k.last, c.seq, c.type, c.res_id, c.version, c.action, c.at, c.source, c.body, c.created_by_put
        FROM (SELECT min(seq) AS first, max(seq) AS last FROM change) k
        LEFT JOIN LATERAL (
          SELECT c.seq, c.type, c.res_id, c.version, c.action, c.at, c.source, %s AS body, c.created_by_put
            FROM change c %s
           WHERE c.seq > ? AND c.seq <= ? %s
           ORDER BY c.seq LIMIT ?) c ON true
       ORDER BY c.seq""";
  // The version a change wrote: the current row, or the history row it was moved to since; none for a deletion.
  private static final String BODY = "CASE WHEN r.version = c.version THEN r.body ELSE h.body END";
  private static final String VERSIONS = """
      LEFT JOIN resource r ON r.type = c.type AND r.id = c.res_id
      LEFT JOIN resource_history h ON r.version <> c.version AND h.rid = r.rid AND h.version = c.version""";

  private final DataSource dataSource;
  private final TypeKeys types;
  private final ChangeNotices notices;

  ChangeFeed(DataSource dataSource, TypeKeys types, ChangeNotices notices) {
    this.dataSource = dataSource;
    this.types = types;
    this.notices = notices;
  }

  ChangePage read(ChangeQuery query) {
    if (query.maxWait().isZero()) {
      return readNow(query);
    }
    long deadline = System.nanoTime() + query.maxWait().toNanos();
    ChangeQuery next = query;
    while (true) {
      try (ChangeNotices.Waiter waiter = notices.waiter(query.types())) {
        ChangePage page = readNow(next);
        long left = deadline - System.nanoTime();
        if (!page.changes().isEmpty() || left <= 0) {
          return page;
        }
        if (page.last() > next.since()) {
          next = next.resumedAfter(page.last()); // past other types' changes: read on at once
        } else {
          waiter.await(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return readNow(next);
      }
    }
  }

  private ChangePage readNow(ChangeQuery query) {
    boolean typed = !query.types().isEmpty();
    long upTo = typed && query.since() < Long.MAX_VALUE - SCAN ? query.since() + SCAN : Long.MAX_VALUE;
    String sql = PAGE.formatted(query.resources() ? BODY : "NULL::bytea", query.resources() ? VERSIONS : "",
        typed ? "AND c.type = ANY(?::smallint[])" : "");
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      int p = 1;
      statement.setLong(p++, query.since());
      statement.setLong(p++, upTo);
      if (typed) {
        statement.setArray(p++, connection.createArrayOf("int2", query.types().stream().map(types::key).toArray()));
      }
      statement.setInt(p, query.count());
      try (ResultSet rows = statement.executeQuery()) {
        return page(query, upTo, rows);
      }
    } catch (SQLException e) {
      throw new StoreFailure("Could not read the change feed", e);
    }
  }

  /**
   * The changes read, and where the next page starts: after the last change when the page is full, else after
   * every sequence looked at (its changes of the types asked for are all in the page).
   */
  private ChangePage page(ChangeQuery query, long upTo, ResultSet rows) throws SQLException {
    List<Change> changes = new ArrayList<>();
    long first = 0;
    long last = 0;
    while (rows.next()) {
      first = rows.getLong(1);
      last = rows.getLong(2);
      if (rows.getObject(3) != null) {
        changes.add(new Change(rows.getLong(3), types.name(rows.getShort(4)), rows.getString(5), rows.getInt(6),
            Change.Action.of(rows.getString(7).charAt(0)), rows.getTimestamp(8).toInstant(), rows.getString(9),
            rows.getBytes(10), rows.getBoolean(11)));
      }
    }
    if (first > 0 && query.since() < first - 1) {
      throw new ChangesGone(query.since(), first, last);
    }
    boolean full = changes.size() == query.count();
    return new ChangePage(changes, full ? changes.get(changes.size() - 1).sequence()
        : Math.max(query.since(), Math.min(upTo, last)));
  }
}
