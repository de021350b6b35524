package io.brazier.sync;

import java.util.Map;
import java.util.TreeMap;

/** The server's answer: a status, headers (names in any case), and the body's bytes (empty for none). */
public record FhirReply(int status, Map<String, String> headers, byte[] body) {

  public FhirReply {
    Map<String, String> caseless = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    caseless.putAll(headers);
    headers = java.util.Collections.unmodifiableMap(caseless);
    body = body == null ? new byte[0] : body;
  }

  public String header(String name) {
    return headers.get(name);
  }

  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }
}
