package io.brazier.server.interaction;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.flipkart.zjsonpatch.CompatibilityFlags;
import com.flipkart.zjsonpatch.InvalidJsonPatchException;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.Numbers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;

/**
 * JSON Patch (https://www.rfc-editor.org/rfc/rfc6902) on a resource's JSON. zjsonpatch does the operations (add,
 * remove, replace, move, copy, test) and the JSON pointers ({@code -}, {@code ~0}, {@code ~1}) and passes the RFC's
 * test suite; we keep FHIR's decimals exact and map its failures: a malformed document is a 400, one that does not
 * apply (a failing test, a path that does not exist) a 422.
 */
final class JsonPatch {
  // Decimals stay BigDecimals, trailing zeros and all, and are written without exponents: FHIR decimals carry their
  // precision in their digits, so 1.50 must stay 1.50.
  private final ObjectMapper mapper = JsonMapper.builder()
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

  private byte[] apply(JsonNode patch, byte[] json) {
    JsonNode patched;
    try {
      patched = com.flipkart.zjsonpatch.JsonPatch.apply(patch, mapper.readTree(json), flags);
    } catch (JsonPatchApplicationException e) {
      String where = e.getOperation() == null || e.getPath() == null || e.getPath().isRoot() ? ""
          : " (" + e.getOperation().rfcName() + " at " + e.getPath() + ")";
      throw FhirException.unprocessable("The JSON Patch does not apply: " + e.getMessage() + where + ".");
    } catch (IllegalStateException | IllegalArgumentException e) {
      // zjsonpatch's word for a pointer that steps through the wrong kind of node, e.g. a member name into an array.
      throw FhirException.unprocessable("The JSON Patch does not apply: " + e.getMessage() + ".");
    } catch (IOException e) {
      throw new UncheckedIOException("A stored version is not JSON", e);
    }
    try {
      return mapper.writeValueAsBytes(patched);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
