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
  private final Supplier<Resource> body;
  private Resource resource;
  private boolean read;

  private ProxyResponse(int status, Map<String, String> headers, Supplier<Resource> body) {
    this.status = status;
    this.headers = new LinkedHashMap<>(headers);
    this.body = body;
  }

  /** An answer of the processor's own. */
  public static ProxyResponse of(int status, Resource resource) {
    return new ProxyResponse(status, Map.of(), () -> resource);
  }

  /**
   * An answer that came from the server, its resource read from its body when asked for ({@code body} returns
   * null for a body that is not FHIR, or none).
   */
  public static ProxyResponse lazy(int status, Map<String, String> headers, Supplier<Resource> body) {
    return new ProxyResponse(status, headers, body);
  }

  public int status() {
    return status;
  }

  /** Its headers; a processor may add to them. */
  public Map<String, String> headers() {
    return headers;
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
