package io.brazier.server.export;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code _elements} applied to stored JSON (a read, a page of a search, history or the change feed, an export):
 * each resource keeps {@code id}, {@code meta}, its mandatory elements and the root elements asked for
 * ({@code element} for every type, {@code Type.element} for one), and is marked SUBSETTED. The stored bytes are
 * streamed through, the elements left out skipped unparsed: no tree, never HAPI's model, numbers as written.
 * https://hl7.org/fhir/R4/search.html#elements
 */
public final class Elements {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final String SUBSETTED_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

  private final Fhir fhir;
  private final List<String> asked;
  private final Map<String, Set<String>> keptByType = new ConcurrentHashMap<>();

  public Elements(Fhir fhir, List<String> asked) {
    this.fhir = fhir;
    this.asked = List.copyOf(asked);
  }

  /** The elements of {@code _elements=a,b,Type.c}: its comma list, blanks dropped. */
  public static Elements parse(Fhir fhir, String value) {
    return new Elements(fhir, Arrays.stream(value.split(",")).map(String::trim).filter(name -> !name.isEmpty())
        .toList());
  }

  /**
   * Refuses (400) an element no exported type has: {@code Type.element} of a type that has no such element, or an
   * {@code element} of none of {@code types}.
   */
  public static void check(Fhir fhir, List<String> asked, Collection<String> types) {
    for (String element : asked) {
      int dot = element.indexOf('.');
      if (dot > 0) {
        String type = element.substring(0, dot);
        if (!fhir.isResourceType(type) || !children(fhir, type).contains(element.substring(dot + 1))) {
          throw FhirException.badRequest("_elements: " + element + " is not an element of a resource type.");
        }
      } else if (types.stream().noneMatch(type -> children(fhir, type).contains(element))) {
        throw FhirException.badRequest("_elements: none of the exported types has an element " + element + ".");
      }
    }
  }

  public boolean all() {
    return asked.isEmpty();
  }

  /** The stored resource {@code json} cut to the elements kept, marked SUBSETTED; its type read from it. */
  public byte[] apply(byte[] json) {
    return apply(type(json), json);
  }

  /** The stored resource {@code json} of {@code type} cut to the elements kept, marked SUBSETTED. */
  public byte[] apply(String type, byte[] json) {
    Set<String> kept = keptByType.computeIfAbsent(type, this::kept);
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(json.length, 4096));
    try (JsonParser parser = JSON.createParser(json); JsonGenerator generator = JSON.createGenerator(out)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      generator.writeStartObject();
      boolean tagged = false;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        if (name.equals("meta") && parser.currentToken() == JsonToken.START_OBJECT) {
          generator.writeFieldName(name);
          generator.writeTree(subsetted(parser.readValueAsTree()));
          tagged = true;
        } else if (keeps(kept, name)) {
          generator.writeFieldName(name);
          copy(parser, generator);
        } else {
          parser.skipChildren();
        }
      }
      if (!tagged) {
        generator.writeFieldName("meta");
        generator.writeTree(subsetted(JSON.createObjectNode()));
      }
      generator.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("A stored " + type + " is not JSON", e);
    }
    return out.toByteArray();
  }

  /** The value at the parser, copied event by event: decimals as written ({@code 1.50} stays {@code 1.50}). */
  public static void copy(JsonParser parser, JsonGenerator generator) throws IOException {
    int depth = 0;
    do {
      generator.copyCurrentEventExact(parser);
      if (parser.currentToken().isStructStart()) {
        depth++;
      } else if (parser.currentToken().isStructEnd()) {
        depth--;
      }
    } while (depth > 0 && parser.nextToken() != null);
  }

  /** Its {@code resourceType}: the first property of what the server stores, looked for further otherwise. */
  private static String type(byte[] json) {
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          if (parser.currentName().equals("resourceType") && parser.nextToken() == JsonToken.VALUE_STRING) {
            return parser.getText();
          }
          parser.nextToken();
          parser.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("A stored resource is not JSON", e);
    }
    throw new UncheckedIOException(new IOException("A stored resource has no resourceType"));
  }

  private static ObjectNode subsetted(ObjectNode meta) {
    (meta.has("tag") ? meta.withArray("tag") : meta.putArray("tag")).addObject()
        .put("system", SUBSETTED_SYSTEM).put("code", "SUBSETTED");
    return meta;
  }

  /** A JSON property of a kept element: itself, or its primitive's extension ({@code _name}). */
  private static boolean keeps(Set<String> kept, String property) {
    return kept.contains(property.startsWith("_") ? property.substring(1) : property);
  }

  private Set<String> kept(String type) {
    Set<String> kept = new HashSet<>(Set.of("resourceType", "id", "meta"));
    for (BaseRuntimeChildDefinition child : fhir.definition(type).getChildren()) {
      String name = child.getElementName();
      if (child.getMin() > 0 || asked.contains(name) || asked.contains(type + "." + name)) {
        // A choice is asked for by its name (value) and written with its type's (valueQuantity).
        kept.addAll(child.getValidChildNames());
      }
    }
    return kept;
  }

  /** The root elements of a type, a choice by its name without [x]. */
  private static Set<String> children(Fhir fhir, String type) {
    Set<String> names = new HashSet<>();
    fhir.definition(type).getChildren().forEach(child -> names.add(child.getElementName().replace("[x]", "")));
    return names;
  }
}
