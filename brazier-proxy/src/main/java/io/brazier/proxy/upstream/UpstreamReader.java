package io.brazier.proxy.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.isolation.UpstreamReads;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** The proxy's own reads of its upstream, with the proxy's identity there (see {@link Upstream}). */
public final class UpstreamReader implements UpstreamReads {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Upstream upstream;

  public UpstreamReader(Upstream upstream) {
    this.upstream = upstream;
  }

  @Override
  public Answer get(String pathAndQuery) {
    Upstream.Answer response = upstream.send("GET", pathAndQuery, Map.of("Accept", "application/fhir+json",
        HeaderRules.PROXY, HeaderRules.PROXY_NAME), Upstream.Body.NONE);
    try (InputStream body = response.body()) {
      byte[] bytes = body.readAllBytes();
      return new Answer(response.status(), json(bytes));
    } catch (IOException e) {
      throw new FhirException(502, IssueType.TRANSIENT, "The upstream FHIR server broke off an answer the proxy"
          + " needs to check the request: " + e.getMessage());
    }
  }

  @Override
  public String base() {
    return upstream.base();
  }

  private static JsonNode json(byte[] bytes) {
    try {
      JsonNode json = JSON.readTree(bytes);
      return json == null ? MissingNode.getInstance() : json;
    } catch (IOException e) {
      return MissingNode.getInstance(); // an error page: its status says what there is to say
    }
  }
}
