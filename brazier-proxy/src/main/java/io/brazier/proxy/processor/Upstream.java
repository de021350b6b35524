package io.brazier.proxy.processor;

import ca.uhn.fhir.parser.DataFormatException;
import io.brazier.client.FhirCall;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import io.brazier.fhir.BaseUrl;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Outcomes;
import io.brazier.proxy.ProxyRequest;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

/**
 * What processors ask the server for a request, read as FHIR JSON. An answer that is no success fails the request
 * with that answer's status and OperationOutcome, as the server gave it; a server that cannot be reached is a 502.
 */
final class Upstream {
  private final Fhir fhir;
  private final ProxyRequest request;

  Upstream(Fhir fhir, ProxyRequest request) {
    this.fhir = fhir;
    this.request = request;
  }

  /** The resource at {@code path} below the base ({@code Patient/12}, {@code Observation?code=x}). */
  Resource get(String path) {
    return resource(send(request.upstream(), FhirCall.get(path)));
  }

  /** A search page at {@code path}. */
  Bundle search(String path) {
    if (get(path) instanceof Bundle bundle) {
      return bundle;
    }
    throw new FhirException(502, IssueType.EXCEPTION, "The server answered the search " + path + " with no Bundle.");
  }

  /**
   * The batch-response of {@code batch}, sent as the request's caller ({@link ProxyRequest#asCaller()}) with the
   * client's {@code Prefer}; a refusal of the whole batch is a {@link FhirException} with the server's answer.
   */
  Bundle batch(Bundle batch) {
    Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/fhir+json",
        "Accept", "application/fhir+json"));
    String prefer = request.header("Prefer");
    if (prefer != null) {
      headers.put("Prefer", prefer);
    }
    byte[] body = fhir.jsonParser().encodeResourceToString(batch).getBytes(StandardCharsets.UTF_8);
    if (resource(send(request.asCaller(), new FhirCall("POST", "", headers, body))) instanceof Bundle answer) {
      return answer;
    }
    throw new FhirException(502, IssueType.EXCEPTION, "The server answered a batch with no Bundle.");
  }

  /**
   * The path below the base of a page link, which the server wrote with the request's base URL, below no base
   * ({@code /Patient?x}), or as its own path.
   */
  String below(String link) {
    return BaseUrl.below(link, request.baseUrl()).or(() -> BaseUrl.below(link, "")).orElse(link);
  }

  private FhirReply send(FhirClient client, FhirCall call) {
    try {
      FhirReply reply = client.send(call);
      if (!reply.ok()) {
        throw new FhirException(reply.status(), outcome(reply));
      }
      return reply;
    } catch (IOException e) {
      throw new FhirException(502, IssueType.TRANSIENT, "The FHIR server could not be reached: " + e.getMessage());
    }
  }

  private Resource resource(FhirReply reply) {
    try {
      return (Resource) fhir.jsonParser().parseResource(reply.text());
    } catch (DataFormatException e) {
      throw new FhirException(502, IssueType.EXCEPTION, "The FHIR server answered with no FHIR JSON: "
          + e.getMessage());
    }
  }

  private OperationOutcome outcome(FhirReply reply) {
    try {
      if (fhir.jsonParser().parseResource(reply.text()) instanceof OperationOutcome outcome) {
        return outcome;
      }
    } catch (DataFormatException e) {
      // No outcome: said below in a sentence of our own.
    }
    return Outcomes.error(IssueType.EXCEPTION, "The FHIR server answered " + reply.status() + ": "
        + reply.diagnostics());
  }

  /** A query string of {@code params}, encoded, without its {@code ?}. */
  static String query(Map<String, List<String>> params) {
    StringJoiner query = new StringJoiner("&");
    params.forEach((name, values) -> values.forEach(value -> query.add(encode(name) + "=" + encode(value))));
    return query.toString();
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
