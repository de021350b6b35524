package io.brazier.proxy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Resource;

/**
 * An answer as processors see it: a status, headers and a FHIR resource (a Bundle, an OperationOutcome...), or
 * none. The resource is read only when a processor asks for it, so an answer that no processor looks into is passed
 * on as it came, unparsed; whoever serves the chain encodes a processor's resource in the format the client asked
 * for.
 */
public final class ProxyResponse {
  private final int status;
  private final Map<String, String> headers;
  private final Supplier<byte[]> bytes;
  private final Supplier<Resource> body;
  private Resource resource;
  private boolean read;

  private ProxyResponse(int status, Map<String, String> headers, Supplier<byte[]> bytes, Supplier<Resource> body) {
    this.status = status;
    this.headers = new LinkedHashMap<>(headers);
    this.bytes = bytes;
    this.body = body;
  }

  /** An answer of the processor's own. */
  public static ProxyResponse of(int status, Resource resource) {
    return new ProxyResponse(status, Map.of(), () -> null, () -> resource);
  }

  /**
   * An answer that came from the server, its resource read from its body when asked for ({@code body} returns
   * null for a body that is not FHIR, or none).
   */
  public static ProxyResponse lazy(int status, Map<String, String> headers, Supplier<Resource> body) {
    return new ProxyResponse(status, headers, () -> null, body);
  }

  /**
   * An answer that came from the server over HTTP, its body's bytes read when asked for ({@code bytes} returns null
   * for a body that is not FHIR, or none) and its resource parsed from them when asked for.
   */
  public static ProxyResponse lazy(int status, Map<String, String> headers, Supplier<byte[]> bytes,
      Supplier<Resource> body) {
    return new ProxyResponse(status, headers, bytes, body);
  }

  public int status() {
    return status;
  }

  /** Its headers; a processor may add to them. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The value of a header, whatever the case of its name; null when there is none. */
  public String header(String name) {
    return headers.entrySet().stream().filter(header -> header.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue).findFirst().orElse(null);
  }

  /**
   * The body as the server sent it (JSON or XML: see its Content-Type), for a processor that reads it with a parser
   * of its own rather than as a resource; null for an answer of a processor's own, one of the server in process,
   * or once the resource was read (a processor may have changed it in place). An answer whose resource nobody
   * read goes to the client as these bytes.
   */
  public synchronized byte[] bytes() {
    return read ? null : bytes.get();
  }

  /** The resource of the body, or null for none (or a body that is not FHIR). */
  public synchronized Resource resource() {
    if (!read) {
      resource = body.get();
      read = true;
    }
    return resource;
  }
}
