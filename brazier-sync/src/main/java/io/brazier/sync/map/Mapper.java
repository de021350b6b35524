package io.brazier.sync.map;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.JsonParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.parser.json.jackson.JacksonStructure;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.fhir.Fhir;
import io.brazier.sync.map.AttributeMap.Action;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/** Turns a resource into the rows its maps describe. Thread-safe. */
public final class Mapper {
  private final Fhir fhir;

  public Mapper(Fhir fhir) {
    this.fhir = fhir;
  }

  /**
   * Parses a resource as the FHIR server sent it: leniently, as the server checked it when it stored it, and from the
   * JSON tree already read, without writing it out again.
   */
  public Resource parse(ObjectNode json) {
    JacksonStructure structure = new JacksonStructure();
    structure.setNativeObject(json);
    JsonParser parser = (JsonParser) fhir.jsonParser();
    parser.setParserErrorHandler(new LenientErrorHandler(false).setErrorOnInvalidValue(false));
    parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
    try {
      return (Resource) parser.parseResource(structure);
    } catch (DataFormatException | ClassCastException e) {
      throw new MappingException("The server sent a resource that is not FHIR R4: " + Fhir.clean(e.getMessage()));
    }
  }

  /**
   * The rows of {@code resource} under {@code root}, its type's root map, and the expansions it names.
   *
   * @throws MappingException when a value does not fit its column, saying which map and attribute
   */
  public Rows rows(MapSet maps, EntityMap root, Resource resource) {
    String type = resource.fhirType();
    String id = resource.getIdElement().getIdPart();
    String versionId = resource.getMeta().getVersionId();
    int version = versionId == null ? 0 : Integer.parseInt(versionId);
    Instant lastUpdated = resource.getMeta().getLastUpdated() == null ? null
        : resource.getMeta().getLastUpdated().toInstant();
    UUID key = Keys.row(type, id);
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(Table.FHIR_ID, id);
    values.put(Table.FHIR_VERSION, version);
    values.put(Table.FHIR_LAST_UPDATED, lastUpdated == null ? null : lastUpdated.atOffset(java.time.ZoneOffset.UTC));
    values.put(Table.STATE, 0);
    if (root.discriminator() != null) {
      values.put(root.discriminator().column(), root.discriminator().value());
    }
    Walk walk = new Walk(maps, resource, type + "/" + id);
    walk.fill(root, resource, key, values);
    walk.rows.add(0, new Row(root, key, values));
    return new Rows(type, id, version, lastUpdated, walk.rows, walk.concepts, walk.lookups);
  }

  /** The mapping of one resource: the rows and concepts found so far. */
  private static final class Walk {
    private final MapSet maps;
    private final Resource resource;
    private final String reference;
    private final List<Row> rows = new ArrayList<>();
    private final List<Concept> concepts = new ArrayList<>();
    private final Map<UUID, String> lookups = new HashMap<>();

    Walk(MapSet maps, Resource resource, String reference) {
      this.maps = maps;
      this.resource = resource;
      this.reference = reference;
    }

    /** Puts the columns of {@code map} read from {@code focus} into {@code values}, and adds its child rows. */
    void fill(EntityMap map, Base focus, UUID key, Map<String, Object> values) {
      for (int i = 0; i < map.attributes().size(); i++) {
        AttributeMap attribute = map.attributes().get(i);
        try {
          if (attribute.action() == Action.EXPAND) {
            expand(maps.map(attribute.map()), evaluate(attribute, focus), key);
          } else {
            values.put(attribute.column(), value(attribute, focus));
          }
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw new MappingException(reference + ": " + map.name() + ".json attributes[" + i + "] ("
              + (attribute.column() == null ? attribute.map() : attribute.column()) + ", path " + attribute.path()
              + ") " + e.getMessage());
        }
      }
    }

    private void expand(EntityMap child, List<Base> items, UUID parent) {
      if (!child.enabled()) {
        return;
      }
      for (int i = 0; i < items.size(); i++) {
        UUID key = Keys.child(parent, child.table(), i);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(child.parentLink(), parent);
        int at = rows.size(); // a row comes before the rows under it, which point to it
        fill(child, items.get(i), key, values);
        rows.add(at, new Row(child, key, values));
      }
    }

    private Object value(AttributeMap attribute, Base focus) {
      Base first = attribute.expression() == null ? null : first(evaluate(attribute, focus));
      return switch (attribute.action()) {
        case COPY -> first == null ? null : attribute.type().of(first);
        case DEFAULT -> first == null ? attribute.value() : attribute.type().of(first);
        case VALUE -> first == null ? null : attribute.values().getOrDefault(text(first), attribute.value());
        case LOOKUP -> first == null ? null : lookup(reference(first));
        case CODEABLECONCEPT -> first == null ? null : concept(first);
        case EXPAND -> throw new IllegalStateException("an expansion has no value");
      };
    }

    private List<Base> evaluate(AttributeMap attribute, Base focus) {
      return attribute.expression().evaluate(resource, focus);
    }

    /**
     * The first value, or null when there is none. A primitive with only extensions (a data-absent-reason, common in
     * US Core data) has no value, so it counts as none: its column is null, or the map's default.
     */
    private static Base first(List<Base> items) {
      if (items.isEmpty()) {
        return null;
      }
      Base first = items.get(0);
      return first.isPrimitive() && !first.hasPrimitiveValue() ? null : first;
    }

    private static String text(Base item) {
      if (!item.isPrimitive()) {
        throw new IllegalArgumentException("gives a " + item.fhirType() + ", not a code to look up in values");
      }
      return item.primitiveValue();
    }

    private UUID lookup(String reference) {
      UUID key = Keys.reference(reference);
      if (key != null) {
        lookups.put(key, Keys.type(reference));
      }
      return key;
    }

    private static String reference(Base item) {
      if (item instanceof Reference reference) {
        return reference.getReference();
      }
      throw new IllegalArgumentException("gives a " + item.fhirType() + ", not a Reference to look up");
    }

    private UUID concept(Base item) {
      Coding coding;
      String text = null;
      if (item instanceof CodeableConcept concept) {
        coding = concept.getCoding().stream().filter(Coding::hasCode).findFirst().orElse(null);
        text = concept.getText();
      } else if (item instanceof Coding one) {
        coding = one;
      } else if (item.isPrimitive()) {
        coding = new Coding(null, item.primitiveValue(), null);
      } else {
        throw new IllegalArgumentException("gives a " + item.fhirType() + ", not a CodeableConcept or Coding");
      }
      if (coding == null && text == null) {
        return null;
      }
      String system = coding == null ? null : coding.getSystem();
      String code = coding == null ? null : coding.getCode();
      String name = coding != null && coding.hasDisplay() ? coding.getDisplay() : text;
      UUID key = Keys.concept(system, code, name);
      concepts.add(new Concept(key, system, code, name));
      return key;
    }
  }
}
