package io.brazier.sync;

import java.time.Instant;
import java.util.Locale;

/**
 * Who wins when the target changed a row and FHIR moved on from the version the row was synced from
 * ({@code --sync-conflicts}).
 */
public enum ConflictPolicy {
  /** FHIR's version stays, and the row is set back to it. */
  FHIR_WINS,
  /** The row's values are written over FHIR's current version. */
  TARGET_WINS,
  /** Whichever side changed last, by the target's change time and FHIR's {@code meta.lastUpdated}. */
  NEWEST_WINS;

  /** The policy a flag names: {@code fhir-wins}, {@code target-wins} or {@code newest-wins}. */
  public static ConflictPolicy named(String name) {
    for (ConflictPolicy policy : values()) {
      if (policy.flag().equals(name)) {
        return policy;
      }
    }
    throw new IllegalArgumentException("--sync-conflicts must be fhir-wins, target-wins or newest-wins, not " + name);
  }

  public String flag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether the target's change wins over FHIR's version. */
  boolean targetWins(Instant targetChanged, Instant fhirChanged) {
    return switch (this) {
      case FHIR_WINS -> false;
      case TARGET_WINS -> true;
      case NEWEST_WINS -> fhirChanged == null || targetChanged.isAfter(fhirChanged);
    };
  }
}
