package io.brazier.sync.map;

import java.util.Map;

/**
 * A target table as the maps shape it: its key column and every other column with its type, whichever maps write
 * them. A root table holds one row per resource; a child table one row per element of an expanded array, with the
 * key of its parent row in {@code parentLink}.
 */
public record Table(String name, String keyColumn, String parentLink, Map<String, ColumnType> columns) {

  /** Written on every root row by the agent itself. */
  public static final String FHIR_ID = "msemr_azurefhirid";
  public static final String FHIR_VERSION = "msemr_azurefhirversion";
  public static final String FHIR_LAST_UPDATED = "msemr_azurefhirlastupdatedon";
  /** The target's own per-row switch for write-back: created false and never written by the agent. */
  public static final String SYNC_ENABLED = "msemr_azurefhirsyncenabled";
  /** 0 active, 1 inactive (a deleted resource, for a map that deactivates). */
  public static final String STATE = "statecode";

  /** The columns of every root table, besides its key. */
  public static final Map<String, ColumnType> ROOT_COLUMNS = Map.of(FHIR_ID, ColumnType.STRING, FHIR_VERSION,
      ColumnType.INTEGER, FHIR_LAST_UPDATED, ColumnType.DATETIME, SYNC_ENABLED, ColumnType.BOOLEAN, STATE,
      ColumnType.INTEGER);

  /** The table of codeable concepts that the codeableconcept action writes and points to. */
  public static final Table CONCEPTS = new Table("msemr_codeableconcept", "msemr_codeableconceptid", null,
      Map.of("msemr_system", ColumnType.STRING, "msemr_code", ColumnType.STRING, "msemr_name", ColumnType.STRING));

  public Table {
    columns = Map.copyOf(columns);
  }

  public boolean child() {
    return parentLink != null;
  }
}
