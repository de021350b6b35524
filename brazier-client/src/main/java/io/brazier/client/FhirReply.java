package io.brazier.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A FHIR server's answer: status, headers (names in any case) and body. */
public record FhirReply(int status, Map<String, List<String>> headers, byte[] body) {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  public FhirReply {
    Map<String, List<String>> folded = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    folded.putAll(headers);
    headers = folded;
    body = body == null ? new byte[0] : body;
  }

  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  public boolean ok() {
    return status >= 200 && status < 300;
  }

  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body as JSON: a missing node when there is none, or it is not JSON (an error page). */
  public JsonNode json() {
    try {
      JsonNode json = JSON.readTree(body);
      return json == null ? MissingNode.getInstance() : json;
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  /** What the answer's OperationOutcome says (its issues' diagnostics), or else the start of the body. */
  public String diagnostics() {
    try {
      StringBuilder text = new StringBuilder();
      for (JsonNode issue : JSON.readTree(body).path("issue")) {
        text.append(text.length() == 0 ? "" : "; ").append(issue.path("diagnostics").asText(""));
      }
      if (text.length() > 0) {
        return text.toString();
      }
    } catch (IOException e) {
      // Not an OperationOutcome: shown as it is below.
    }
    String start = text();
    return start.length() > 300 ? start.substring(0, 300) + "..." : start;
  }
}
