package io.brazier.server.interaction;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.flipkart.zjsonpatch.CompatibilityFlags;
import com.flipkart.zjsonpatch.InvalidJsonPatchException;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import io.brazier.client.Jackson;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.Numbers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.EnumSet;

/**
 * JSON Patch (https://www.rfc-editor.org/rfc/rfc6902) on a resource's JSON. zjsonpatch does the operations (add,
 * remove, replace, move, copy, test) and the JSON pointers ({@code -}, {@code ~0}, {@code ~1}) and passes the RFC's
 * test suite; we keep FHIR's decimals exact, run the test operations (comparing numbers by value) and map the
 * failures: a malformed document is a 400, one that does not apply (a failing test, a path that does not exist) a 422.
 */
final class JsonPatch {
  /** Scalars equal as JSON values: numbers by their value, the rest as they are. */
  private static final Comparator<JsonNode> BY_VALUE = (a, b) -> a.isNumber() && b.isNumber()
      ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;

  // Decimals stay BigDecimals, trailing zeros and all, and are written without exponents: FHIR decimals carry their
  // precision in their digits, so 1.50 must stay 1.50.
  private final ObjectMapper mapper = Jackson.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .build();
  // The RFC's rule: removing an object member that does not exist fails, as it does for array elements.
  private final EnumSet<CompatibilityFlags> flags = EnumSet.of(CompatibilityFlags.FORBID_REMOVE_MISSING_OBJECT);

  PatchDocument parse(byte[] body) {
    Numbers.check(body, Format.JSON);
    JsonNode patch;
    try {
      patch = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw FhirException.badRequest("The JSON Patch is not JSON: " + e.getOriginalMessage()
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ".");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      com.flipkart.zjsonpatch.JsonPatch.validate(patch);
    } catch (InvalidJsonPatchException | IllegalArgumentException e) {
      throw FhirException.badRequest("The JSON Patch is malformed: " + e.getMessage() + ".");
    }
    return json -> apply(patch, json);
  }

  /**
   * Applies the operations in order: zjsonpatch runs each stretch between two tests, and we run the tests, since
   * zjsonpatch's would compare numbers by their digits.
   */
  private byte[] apply(JsonNode patch, byte[] json) {
    JsonNode document;
    try {
      document = mapper.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("A stored version is not JSON", e);
    }
    ArrayNode stretch = mapper.createArrayNode();
    for (JsonNode operation : patch) {
      if ("test".equals(operation.path("op").asText())) {
        document = apply(stretch, document);
        stretch.removeAll();
        test(operation, document);
      } else {
        stretch.add(operation);
      }
    }
    document = apply(stretch, document);
    try {
      return mapper.writeValueAsBytes(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode apply(ArrayNode operations, JsonNode document) {
    if (operations.isEmpty()) {
      return document;
    }
    try {
      return com.flipkart.zjsonpatch.JsonPatch.apply(operations, document, flags);
    } catch (JsonPatchApplicationException e) {
      String where = e.getOperation() == null || e.getPath() == null || e.getPath().isRoot() ? ""
          : " (" + e.getOperation().rfcName() + " at " + e.getPath() + ")";
      throw FhirException.unprocessable("The JSON Patch does not apply: " + e.getMessage() + where + ".");
    } catch (IllegalStateException | IllegalArgumentException e) {
      // zjsonpatch's word for a pointer that steps through the wrong kind of node, e.g. a member name into an array.
      throw FhirException.unprocessable("The JSON Patch does not apply: " + e.getMessage() + ".");
    }
  }

  /**
   * The test operation (RFC 6902 4.6): the value at the path equals the one given, objects whatever the order of
   * their members, and numbers by their values, so that 1.0 tests equal to 1 and 1.50 to 1.5.
   */
  private static void test(JsonNode operation, JsonNode document) {
    String path = operation.path("path").asText();
    JsonNode expected = operation.path("value");
    JsonNode found = document.at(path);
    if (found.isMissingNode() || !found.equals(BY_VALUE, expected)) {
      throw FhirException.unprocessable("The JSON Patch does not apply: the test at " + path + " expected "
          + expected + " but found " + (found.isMissingNode() ? "nothing" : found.toString()) + ".");
    }
  }
}
