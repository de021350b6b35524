package io.brazier.proxy.isolation;

import io.brazier.server.Caller;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Identity links, in table {@code brazier_proxy.identity_link}: the Patient, Practitioner or RelatedPerson that a
 * subject (or a client) of an issuer stands for, until the link expires. Each node keeps what it looked up for a few
 * seconds, so that the requests of one caller cost one query now and then; its own changes it forgets at once.
 */
public final class IdentityLinks {
  /** How long a node keeps a link it read: another node's change reaches it within this time. */
  static final Duration KEPT = Duration.ofSeconds(5);
  private static final int MOST_KEPT = 10_000;
  private static final String COLUMNS = "issuer, kind, name, resource, expires";

  /** A link as read: no more than what was looked up, and when. */
  private record Looked(Optional<IdentityLink> link, Instant at) {}

  private final DataSource database;
  private final Clock clock;
  private final Map<String, Looked> kept = new ConcurrentHashMap<>();

  public IdentityLinks(DataSource database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /**
   * The resource ({@code Practitioner/12}) a caller stands for by an unexpired link of its subject, or else of its
   * client; null when it has none.
   */
  String resourceOf(Caller caller) {
    if (caller.issuer() == null) {
      return null;
    }
    for (IdentityLink.Kind kind : IdentityLink.Kind.values()) {
      String name = kind == IdentityLink.Kind.SUBJECT ? caller.subject() : caller.clientId();
      if (name != null) {
        Optional<IdentityLink> link = lookUp(caller.issuer(), kind, name);
        if (link.isPresent() && !link.get().expiredAt(clock.instant())) {
          return link.get().resource();
        }
      }
    }
    return null;
  }

  private Optional<IdentityLink> lookUp(String issuer, IdentityLink.Kind kind, String name) {
    String key = key(issuer, kind, name);
    Instant now = clock.instant();
    Looked looked = kept.get(key);
    if (looked == null || looked.at().plus(KEPT).isBefore(now)) {
      if (kept.size() >= MOST_KEPT) {
        kept.clear();
      }
      List<IdentityLink> found = query("SELECT " + COLUMNS + " FROM brazier_proxy.identity_link"
          + " WHERE issuer = ? AND kind = ? AND name = ?", issuer, kind.code(), name);
      looked = new Looked(found.stream().findFirst(), now);
      kept.put(key, looked);
    }
    return looked.link();
  }

  /** Stores a link, replacing the one of the same issuer and subject (or client); true when it is new. */
  public boolean save(IdentityLink link) {
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
      kept.remove(key(link.issuer(), link.kind(), link.name()));
    }
  }

  /** Deletes the link of a subject (or client) of an issuer; false when there was none. */
  public boolean delete(String issuer, IdentityLink.Kind kind, String name) {
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
      kept.remove(key(issuer, kind, name));
    }
  }

  /** The links of a subject or client (of any issuer), or to a resource; all of them when given nothing. */
  public List<IdentityLink> find(IdentityLink.Kind kind, String name, String resource) {
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

  private static String key(String issuer, IdentityLink.Kind kind, String name) {
    return issuer + '\n' + kind.code() + '\n' + name;
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("Identity links could not be " + what + ": " + e.getMessage(), e);
  }
}
