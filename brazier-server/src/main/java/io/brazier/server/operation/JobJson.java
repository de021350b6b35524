package io.brazier.server.operation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;

/** A job's request, cursor and result as JSON: plain records, written and read back by any node. */
public final class JobJson {
  // Fields it does not know are skipped, not refused: in a rolling upgrade a job written by a newer node (a field
  // added to its cursor, say) must still be read, resumed or cancelled by an older one.
  private static final ObjectMapper JSON =
      Jackson.builder().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false).build();

  private JobJson() {}

  public static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A job's request, cursor and result are plain records", e);
    }
  }

  public static <T> T read(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Not the " + type.getSimpleName() + " of a job: " + json, e);
    }
  }

  public static <T> T read(byte[] json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Not the " + type.getSimpleName() + " of a job", e);
    }
  }
}
