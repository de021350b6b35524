package io.brazier.loader.send;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One bundle entry to send, with its place in the file it came from (entry index, or NDJSON line number), so that
 * answers and failures are reported where the user can find them.
 */
public record Item(int index, ObjectNode entry) {

  public ObjectNode resource() {
    return entry.path("resource") instanceof ObjectNode resource ? resource : null;
  }

  public ObjectNode request() {
    return entry.path("request") instanceof ObjectNode request ? request : null;
  }

  public String method() {
    return entry.path("request").path("method").asText("");
  }

  public String url() {
    return entry.path("request").path("url").asText("");
  }

  /** {@code Type/id} this entry writes with a PUT, or null. */
  public String writes() {
    String url = url();
    return method().equals("PUT") && !url.contains("?") && url.indexOf('/') > 0 ? url : null;
  }
}
