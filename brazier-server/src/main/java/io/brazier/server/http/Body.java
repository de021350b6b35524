package io.brazier.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;

/**
 * A resource in a request body: its JSON tree, parsed into HAPI's model only when first needed, or a model already
 * (an XML body, a placeholder, a patched resource). While the tree is unparsed, a write edits it (ids, meta,
 * references) and stores the tree written out, which costs a fraction of HAPI's encoder; the model is parsed from
 * the edited tree, so both say the same, and the parse is what enforces the base R4 rules.
 */
public final class Body {
  /** HAPI's own settings for JSON (exact decimals, no trailing tokens), so that a tree parses as the body would. */
  private static final ObjectMapper JSON = Jackson.builder()
      .enable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();

  private final Fhir fhir;
  private final Consumer<Resource> check;
  /** What the tree was read from, for the parse's 400: a body, a line, an entry. */
  private final String what;
  private ObjectNode tree;
  private Resource resource;

  private Body(Fhir fhir, ObjectNode tree, Resource resource, Consumer<Resource> check, String what) {
    this.fhir = fhir;
    this.tree = tree;
    this.resource = resource;
    this.check = check;
    this.what = what;
  }

  /** A resource already parsed and checked. */
  public static Body of(Resource resource) {
    return new Body(null, null, resource, null, null);
  }

  /**
   * A JSON resource, parsed with {@code fhir}'s rules when {@link #resource()} is first called, then held to
   * {@code check} (the rules a parser cannot apply); a parse that fails names {@code what} it was read from (a body,
   * a line).
   */
  public static Body of(Fhir fhir, ObjectNode tree, Consumer<Resource> check, String what) {
    prune(tree);
    return new Body(fhir, tree, null, check, what);
  }

  /**
   * Drops from a tree what FHIR JSON has no place for (https://hl7.org/fhir/R4/json.html): null values, empty arrays
   * and empty objects, as a client's serializer may write them for lists and fields it left empty. HAPI's parser reads
   * past them into the model; kept in the stored tree, they would be served as JSON that stricter FHIR parsers refuse.
   * Inside an array a null stays, as it may hold a primitive's place beside its extensions ({@code "given":["a",null],
   * "_given":[null,{...}]}), and so does an empty object in such an extension array. An array of nothing but nulls
   * stays too while its {@code _} sibling holds extensions ({@code "given":[null],"_given":[{...}]}): HAPI reads such
   * extensions only beside their primitives' array. True when nothing is left.
   */
  private static boolean prune(JsonNode node) {
    if (node.isObject()) {
      Set<String> emptyArrays = new HashSet<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode value = field.getValue();
        if (value.isNull() || prune(value)) {
          fields.remove();
        } else if (value.isArray() && prunedArray(field.getKey(), value)) {
          emptyArrays.add(field.getKey());
        }
      }
      for (String name : emptyArrays) {
        String extensions = "_" + name;
        if (!node.has(extensions) || emptyArrays.contains(extensions)) {
          ((ObjectNode) node).remove(name);
        }
      }
      return node.isEmpty();
    }
    return false;
  }

  /** Prunes an array's elements; true when nothing but nulls (and, in an extension array, empty objects) is left. */
  private static boolean prunedArray(String name, JsonNode array) {
    boolean nothingLeft = true;
    Iterator<JsonNode> elements = array.elements();
    while (elements.hasNext()) {
      JsonNode element = elements.next();
      boolean empty = element.isNull() || prune(element);
      if (empty && element.isObject() && !name.startsWith("_")) {
        elements.remove();
      } else if (!empty) {
        nothingLeft = false;
      }
    }
    return nothingLeft;
  }

  /** Reads a request body's JSON into a tree; malformed JSON is a 400. */
  public static JsonNode read(byte[] json) {
    return read(json, "body");
  }

  /** Reads JSON into a tree; malformed JSON is a 400 naming {@code what} was read (a body, a line). */
  public static JsonNode read(byte[] json, String what) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw FhirException.invalid("The " + what + " is not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")") + ".");
    } catch (IOException e) {
      throw FhirException.badRequest("The " + what + " could not be read: " + e.getMessage());
    }
  }

  /** A tree as JSON bytes, written as {@link #json()} writes a body's. */
  public static byte[] write(JsonNode tree) {
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A JSON tree could not be written", e);
    }
  }

  public static ObjectNode emptyObject() {
    return JSON.createObjectNode();
  }

  public String type() {
    return tree != null ? tree.path("resourceType").asText(null) : resource.fhirType();
  }

  /** The id the body carries, or null. */
  public String id() {
    if (tree != null) {
      return tree.path("id").isTextual() ? tree.get("id").asText() : null;
    }
    return resource.getIdElement().getIdPart();
  }

  /**
   * The tree, while it is still the body's truth: not parsed yet, and parsed strictly (a lenient parse drops what
   * it cannot read, which only the model then knows); null otherwise.
   */
  public ObjectNode tree() {
    return resource == null && fhir != null && !fhir.lenient() ? tree : null;
  }

  /** The model, parsed from the tree on first call; from then on the tree is no longer edited. */
  public Resource resource() {
    if (resource == null) {
      Resource parsed = fhir.parse(tree, what);
      check.accept(parsed);
      resource = parsed;
    }
    return resource;
  }

  /**
   * The edited tree as the JSON bytes to store, after {@link #resource()} has parsed it. The tree is let go then (a
   * large transaction holds every entry until its commit); the model stays, should the write be prepared again.
   */
  public byte[] json() {
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A JSON tree could not be written", e);
    } finally {
      tree = null;
    }
  }

  /** The model was changed in a way the tree does not show: only the model says what to store. */
  public void dropTree() {
    resource();
    tree = null;
  }

  /**
   * Keys of the resource's identifiers ({@code value} and {@code system|value}), so that a conditional reference can
   * find a resource created by the same transaction.
   */
  public List<String> identifiers() {
    List<String> keys = new ArrayList<>();
    if (tree != null) {
      JsonNode identifiers = tree.path("identifier");
      for (JsonNode identifier : identifiers.isArray() ? identifiers : List.of(identifiers)) {
        add(keys, identifier.path("system").asText(null), identifier.path("value").asText(null));
      }
    } else if (resource.getNamedProperty("identifier") != null) {
      for (Base value : resource.getNamedProperty("identifier").getValues()) {
        if (value instanceof Identifier identifier) {
          add(keys, identifier.getSystem(), identifier.getValue());
        }
      }
    }
    return keys;
  }

  private static void add(List<String> keys, String system, String value) {
    if (value != null) {
      keys.add(value);
      if (system != null) {
        keys.add(system + "|" + value);
      }
    }
  }
}
