package io.brazier.sync.target;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirPath;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.MapReader;
import io.brazier.sync.map.MapSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Sets of maps read from their JSON text, for the target's tests. */
final class TargetMaps {
  private static final MapReader READER = new MapReader(new Fhir(false), new FhirPath(new Fhir(false)));

  private TargetMaps() {}

  /** The set of the maps given as pairs of name and JSON text, each read as the file its name names. */
  static MapSet of(String... namesAndMaps) {
    List<EntityMap> read = new ArrayList<>();
    for (int i = 0; i < namesAndMaps.length; i += 2) {
      read.add(READER.read(namesAndMaps[i] + ".json", namesAndMaps[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return MapSet.of("test", read);
  }
}
