package io.brazier.sync.map;

import io.brazier.fhir.search.FhirPath;
import org.hl7.fhir.r4.fhirpath.TypeDetails;

/**
 * Checks every attribute's path against R4's definitions of what it is read on: the resource for a root map, the
 * elements its parent's expand attribute gives for an expansion. A misspelt element ({@code birthdate},
 * {@code valueQuantity} for {@code value.ofType(Quantity)}) is valid FHIRPath that reads nothing: without this the map
 * would load and leave its column empty on every row, with no error anywhere.
 */
final class PathTypes {
  private final FhirPath fhirPath;

  PathTypes(FhirPath fhirPath) {
    this.fhirPath = fhirPath;
  }

  /** @throws MapException naming the file and field of the first path that names an element its focus lacks */
  void check(MapSet maps) {
    for (EntityMap map : maps.all()) {
      if (!map.isExpansion()) {
        check(maps, map, null);
      }
    }
  }

  /** Checks a map read on {@code focus} (null: the resource), then its expansions on what they expand. */
  private void check(MapSet maps, EntityMap map, TypeDetails focus) {
    for (int i = 0; i < map.attributes().size(); i++) {
      AttributeMap attribute = map.attributes().get(i);
      if (attribute.path() == null) {
        continue;
      }
      TypeDetails types;
      try {
        types = fhirPath.types(map.resource(), focus, attribute.path());
      } catch (IllegalArgumentException e) {
        throw new MapException(MapSet.file(map), "attributes[" + i + "].path", e.getMessage());
      }
      if (attribute.action() == AttributeMap.Action.EXPAND) {
        check(maps, maps.map(attribute.map()), types);
      }
    }
  }
}
