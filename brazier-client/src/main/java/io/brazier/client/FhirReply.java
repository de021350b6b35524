package io.brazier.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A FHIR server's answer: status, headers (names in any case) and body. */
public record FhirReply(int status, Map<String, List<String>> headers, byte[] body) {

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
}
