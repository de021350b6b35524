package io.brazier.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which a back-fill takes the types: those that other resources point to first (an Encounter's Patient,
 * Practitioner and Location before it, a CarePlan's CareTeam before it), then the rest by name. Dataverse refuses a
 * binding ({@code @odata.bind}) to a row it does not have yet, so a Condition back-filled before its Patient would
 * fail; the relational target does not mind. The order covers the references of the built-in maps; with maps of
 * one's own that point elsewhere, name the types in the order they need ({@code POST /sync/backfill?types=...}).
 */
final class BackfillOrder {
  /** Each type after the ones it points to in the built-in maps. */
  private static final List<String> REFERENCED = List.of("Organization", "Location", "Practitioner",
      "PractitionerRole", "Patient", "RelatedPerson", "Device", "Medication", "Encounter", "CareTeam");

  private BackfillOrder() {}

  static List<String> of(Collection<String> types) {
    List<String> ordered = new ArrayList<>(types);
    ordered.sort(Comparator.comparingInt(BackfillOrder::rank).thenComparing(Comparator.naturalOrder()));
    return ordered;
  }

  private static int rank(String type) {
    int index = REFERENCED.indexOf(type);
    return index >= 0 ? index : REFERENCED.size();
  }
}
