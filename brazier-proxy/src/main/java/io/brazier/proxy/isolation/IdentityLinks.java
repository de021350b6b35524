package io.brazier.proxy.isolation;

import io.brazier.server.Caller;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Identity links, in table {@code brazier_proxy.identity_link}: the Patient, Practitioner or RelatedPerson that a
 * subject (or a client) of an issuer stands for, until the link expires. A caller's links (none is an answer too)
 * are kept in memory while this node hears of every change ({@link LinkNotices}): any change of the table, on any
 * node, drops them all, here before the change is answered, elsewhere a notice's delay after it commits. A value
 * read while a change was heard serves its request but is not kept; expiry is checked on every request.
 */
public final class IdentityLinks implements AutoCloseable {
  private static final String COLUMNS = "issuer, kind, name, resource, expires";
  private static final int MOST_CALLERS_KEPT = 10_000;

  /** Whose links: an issuer's subject and client. */
  private record Key(String issuer, String subject, String clientId) {}

  private final DataSource database;
  private final Clock clock;
  private final Map<Key, List<IdentityLink>> kept = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();
  private final LinkNotices notices;

  public IdentityLinks(DataSource database, Clock clock) {
    this.database = database;
    this.clock = clock;
    this.notices = new LinkNotices(database, this::changed).start();
  }

  /** Drops every link kept: one may have changed. */
  private void changed() {
    changes.incrementAndGet();
    kept.clear();
  }

  /**
   * The resource ({@code Practitioner/12}) a caller stands for by an unexpired link of its subject, or else of its
   * client; null when it has none.
   */
  String resourceOf(Caller caller) {
    if (caller.issuer() == null || caller.subject() == null && caller.clientId() == null) {
      return null;
    }
    List<IdentityLink> found = linksOf(new Key(caller.issuer(), caller.subject(), caller.clientId()));
    Instant now = clock.instant();
    return found.stream().filter(link -> !link.expiredAt(now)).map(IdentityLink::resource).findFirst().orElse(null);
  }

  /** A caller's links, a subject's before its client's: kept, or read. */
  private List<IdentityLink> linksOf(Key key) {
    List<IdentityLink> found = kept.get(key);
    if (found != null) {
      return found;
    }
    long before = changes.get();
    boolean heard = notices.listening();
    // A subject's link comes before its client's ('subject' > 'client').
    List<IdentityLink> read = List.copyOf(query("SELECT " + COLUMNS + " FROM brazier_proxy.identity_link WHERE"
        + " issuer = ? AND (kind = 'subject' AND name = ? OR kind = 'client' AND name = ?) ORDER BY kind DESC",
        key.issuer(), key.subject(), key.clientId()));
    if (heard) {
      if (kept.size() >= MOST_CALLERS_KEPT) {
        kept.clear();
      }
      kept.put(key, read);
      // Checked after the put: a change heard meanwhile has cleared the map already, or this takes it out.
      if (changes.get() != before || !notices.listening()) {
        kept.remove(key, read);
      }
    }
    return read;
  }

  /** Stores a link, replacing the one of the same issuer and subject (or client); true when it is new. */
  boolean save(IdentityLink link) {
    try (Connection connection = database.getConnection();
        PreparedStatement statement = connection.prepareStatement("INSERT INTO brazier_proxy.identity_link ("
            + COLUMNS + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (issuer, kind, name) DO UPDATE SET resource ="
            + " excluded.resource, expires = excluded.expires, created = now() RETURNING (xmax = 0)")) {
      statement.setString(1, link.issuer());
      statement.setString(2, link.kind().code());
      statement.setString(3, link.name());
      statement.setString(4, link.resource());
      statement.setTimestamp(5, link.expires() == null ? null : Timestamp.from(link.expires()));
      try (ResultSet inserted = statement.executeQuery()) {
        inserted.next();
        return inserted.getBoolean(1);
      }
    } catch (SQLException e) {
      throw failure("stored", e);
    } finally {
      changed();
    }
  }

  /** Deletes the link of a subject (or client) of an issuer; false when there was none. */
  boolean delete(String issuer, IdentityLink.Kind kind, String name) {
    try (Connection connection = database.getConnection();
        PreparedStatement statement = connection.prepareStatement(
            "DELETE FROM brazier_proxy.identity_link WHERE issuer = ? AND kind = ? AND name = ?")) {
      statement.setString(1, issuer);
      statement.setString(2, kind.code());
      statement.setString(3, name);
      return statement.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("deleted", e);
    } finally {
      changed();
    }
  }

  /** The links of a subject or client (of any issuer), or to a resource; all of them when given nothing. */
  List<IdentityLink> find(IdentityLink.Kind kind, String name, String resource) {
    if (resource != null) {
      return query("SELECT " + COLUMNS + " FROM brazier_proxy.identity_link WHERE resource = ? ORDER BY issuer, kind,"
          + " name", resource);
    }
    if (kind != null) {
      return query("SELECT " + COLUMNS + " FROM brazier_proxy.identity_link WHERE kind = ? AND name = ?"
          + " ORDER BY issuer", kind.code(), name);
    }
    return query("SELECT " + COLUMNS + " FROM brazier_proxy.identity_link ORDER BY issuer, kind, name");
  }

  private List<IdentityLink> query(String sql, String... args) {
    try (Connection connection = database.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setString(i + 1, args[i]);
      }
      List<IdentityLink> links = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          Timestamp expires = rows.getTimestamp(5);
          links.add(new IdentityLink(rows.getString(1), IdentityLink.Kind.of(rows.getString(2)), rows.getString(3),
              rows.getString(4), expires == null ? null : expires.toInstant()));
        }
      }
      return links;
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  /** Stops listening to changes. */
  @Override
  public void close() {
    notices.close();
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("Identity links could not be " + what + ": " + e.getMessage(), e);
  }
}
