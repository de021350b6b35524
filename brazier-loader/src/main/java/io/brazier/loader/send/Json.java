package io.brazier.loader.send;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.brazier.client.Jackson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** The JSON the loader reads and writes: Jackson trees, never HAPI models (the loader only moves resources). */
public final class Json {
  public static final ObjectMapper MAPPER = Jackson.MAPPER;
  /** One value a document: Jackson would otherwise read the first of two run together and drop the second. */
  private static final ObjectReader ONE_VALUE = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /** The object these bytes hold; an {@link IOException} that says what is wrong when they are not one. */
  public static ObjectNode parse(byte[] bytes) throws IOException {
    JsonNode node = ONE_VALUE.readTree(bytes);
    if (!(node instanceof ObjectNode object)) {
      throw new IOException("the content is not a JSON object");
    }
    return object;
  }

  /**
   * The one JSON value of a text (an NDJSON line); a second value after it is a {@link
   * com.fasterxml.jackson.databind.exc.MismatchedInputException}.
   */
  public static JsonNode tree(String text) throws JsonProcessingException {
    return ONE_VALUE.readTree(text);
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] pretty(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every {@code reference} string in the tree, contained resources and extensions included. */
  public static void references(JsonNode node, Consumer<String> sink) {
    rewriteReferences(node, value -> {
      sink.accept(value);
      return value;
    });
  }

  /** Replaces every {@code reference} string by what {@code rewrite} makes of it. */
  public static void rewriteReferences(JsonNode node, UnaryOperator<String> rewrite) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        JsonNode value = field.getValue();
        if (value.isContainerNode()) {
          rewriteReferences(value, rewrite);
        } else if (value.isTextual() && field.getKey().equals("reference")) {
          String target = rewrite.apply(value.asText());
          if (!target.equals(value.asText())) {
            field.setValue(TextNode.valueOf(target));
          }
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (JsonNode element : array) {
        if (element.isContainerNode()) {
          rewriteReferences(element, rewrite);
        }
      }
    }
  }

  /** An OperationOutcome of one error, as an export's error file holds it. */
  public static ObjectNode outcome(String code, String diagnostics) {
    ObjectNode outcome = object().put("resourceType", "OperationOutcome");
    outcome.putArray("issue").addObject().put("severity", "error").put("code", code).put("diagnostics", diagnostics);
    return outcome;
  }

  /** A bundle entry response that the loader answers itself, for an entry it did not send. */
  public static ObjectNode response(int status, String reason, String diagnostics) {
    ObjectNode entry = object();
    ObjectNode response = entry.putObject("response");
    response.put("status", status + " " + reason);
    ObjectNode outcome = response.putObject("outcome").put("resourceType", "OperationOutcome");
    outcome.putArray("issue").addObject().put("severity", "error").put("code", status == 412 ? "multiple-matches"
        : "processing").put("diagnostics", diagnostics);
    return entry;
  }
}
