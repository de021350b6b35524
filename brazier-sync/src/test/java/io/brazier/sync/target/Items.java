package io.brazier.sync.target;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Mapper;
import io.brazier.sync.map.Rows;

/** Items for the target's tests: a resource's JSON mapped to rows as the agent maps it, or a deletion. */
final class Items {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Mapper MAPPER = new Mapper(new Fhir(false));

  private Items() {}

  /** The resource (with its {@code meta.versionId}) as written, its body kept. */
  static Item written(MapSet maps, String resource) {
    try {
      ObjectNode json = (ObjectNode) JSON.readTree(resource);
      Rows rows = MAPPER.rows(maps, maps.root(json.path("resourceType").asText()), MAPPER.parse(json));
      return new Item(0, rows.type(), rows.id(), rows.version(), rows.type() + "/" + rows.id(),
          maps.root(rows.type()), rows, resource);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A patient named {@code family} with identifiers of these values. */
  static Item patient(MapSet maps, String id, int version, String family, String... identifiers) {
    StringBuilder values = new StringBuilder();
    for (String identifier : identifiers) {
      values.append(values.isEmpty() ? "" : ", ").append("{\"value\": \"").append(identifier).append("\"}");
    }
    return written(maps, """
        {"resourceType": "Patient", "id": "%s", "meta": {"versionId": "%d"}, "name": [{"family": "%s"}],
         "identifier": [%s]}""".formatted(id, version, family, values));
  }

  /** The deletion of {@code type/id} at {@code version} (null: a version the source did not give). */
  static Item deleted(MapSet maps, String type, String id, Integer version) {
    return new Item(0, type, id, version, type + "/" + id, maps.root(type), null, null);
  }
}
