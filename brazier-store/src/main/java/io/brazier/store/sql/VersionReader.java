package io.brazier.store.sql;

import io.brazier.fhir.search.FhirSearch;
import io.brazier.store.ResourceVersion;
import io.brazier.store.StoreFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Reads many versions in one round trip: the current versions of a list of resources (what bulk imports and the sync
 * agent compare with), and the Patient compartments of versions, which for a deletion are those of the version it
 * deleted.
 */
final class VersionReader {
  private static final String CURRENT = """
      SELECT r.type, r.id, r.version, r.last_updated, r.deleted, r.body FROM resource r
        JOIN unnest(?::smallint[], ?::text[]) AS k(type, id) ON r.type = k.type AND r.id = k.id""";
  // The newest live version below each deletion: a backward walk of history's primary key, one row per deletion.
  private static final String DELETED = """
      SELECT k.n, h.version, h.last_updated, h.body
        FROM unnest(?::smallint[], ?::text[], ?::int[]) WITH ORDINALITY AS k(type, id, version, n)
        JOIN resource r ON r.type = k.type AND r.id = k.id
        CROSS JOIN LATERAL (SELECT version, last_updated, body FROM resource_history
                             WHERE rid = r.rid AND version < k.version AND NOT deleted
                             ORDER BY version DESC LIMIT 1) h""";

  private final DataSource dataSource;
  private final TypeKeys types;

  VersionReader(DataSource dataSource, TypeKeys types) {
    this.dataSource = dataSource;
    this.types = types;
  }

  Map<String, ResourceVersion> current(Collection<String> resources) {
    Map<String, ResourceVersion> found = new HashMap<>();
    if (resources.isEmpty()) {
      return found;
    }
    Object[] typeKeys = new Object[resources.size()];
    Object[] ids = new Object[resources.size()];
    int k = 0;
    for (String resource : resources) {
      int slash = resource.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("Not a Type/id: " + resource);
      }
      typeKeys[k] = types.key(resource.substring(0, slash));
      ids[k++] = resource.substring(slash + 1);
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(CURRENT)) {
      statement.setArray(1, connection.createArrayOf("int2", typeKeys));
      statement.setArray(2, connection.createArrayOf("text", ids));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          ResourceVersion version = new ResourceVersion(types.name(rows.getShort(1)), rows.getString(2),
              rows.getInt(3), rows.getTimestamp(4).toInstant(), rows.getBoolean(5), rows.getBytes(6));
          found.put(version.type() + "/" + version.id(), version);
        }
      }
      return found;
    } catch (SQLException e) {
      throw new StoreFailure("Could not read " + resources.size() + " resources", e);
    }
  }

  List<Set<String>> patientCompartments(List<ResourceVersion> versions, FhirSearch search) {
    Map<Integer, ResourceVersion> deletedVersions = deletedVersions(versions);
    List<Set<String>> compartments = new ArrayList<>();
    for (int k = 0; k < versions.size(); k++) {
      ResourceVersion version = versions.get(k);
      ResourceVersion live = version.deleted() ? deletedVersions.get(k) : version;
      compartments.add(live == null ? Set.of()
          : search.compartments().owners("Patient", live.type(), live.id(), search.index(live.json())));
    }
    return compartments;
  }

  /** For each deletion among {@code versions}, by its position, the newest live version before it. */
  private Map<Integer, ResourceVersion> deletedVersions(List<ResourceVersion> versions) {
    List<Object> typeKeys = new ArrayList<>();
    List<Object> ids = new ArrayList<>();
    List<Object> numbers = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (int k = 0; k < versions.size(); k++) {
      ResourceVersion version = versions.get(k);
      if (version.deleted()) {
        typeKeys.add(types.key(version.type()));
        ids.add(version.id());
        numbers.add(version.version());
        positions.add(k);
      }
    }
    Map<Integer, ResourceVersion> found = new HashMap<>();
    if (positions.isEmpty()) {
      return found;
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(DELETED)) {
      statement.setArray(1, connection.createArrayOf("int2", typeKeys.toArray()));
      statement.setArray(2, connection.createArrayOf("text", ids.toArray()));
      statement.setArray(3, connection.createArrayOf("int4", numbers.toArray()));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          int position = positions.get(rows.getInt(1) - 1);
          ResourceVersion deletion = versions.get(position);
          found.put(position, new ResourceVersion(deletion.type(), deletion.id(), rows.getInt(2),
              rows.getTimestamp(3).toInstant(), false, rows.getBytes(4)));
        }
      }
      return found;
    } catch (SQLException e) {
      throw new StoreFailure("Could not read the versions before " + positions.size() + " deletions", e);
    }
  }
}
