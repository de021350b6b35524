package io.brazier.proxy.upstream;

import io.brazier.client.FhirCall;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.Caller;
import io.brazier.server.FhirRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The upstream as a processor's {@link FhirClient}, on behalf of one request's caller: each call is a request to the
 * proxy from that caller (its path classified as the proxy classifies a client's), sent on by an {@link Exchange},
 * and its answer read whole with the upstream's base URL replaced by the proxy's, as the client would see it.
 */
final class ForwardingClient implements FhirClient {
  private final Fhir fhir;
  private final Exchange exchange;
  private final Caller caller;
  private final String baseUrl;
  private final String upstreamBase;

  ForwardingClient(Fhir fhir, Exchange exchange, Caller caller, String baseUrl, String upstreamBase) {
    this.fhir = fhir;
    this.exchange = exchange;
    this.caller = caller;
    this.baseUrl = baseUrl;
    this.upstreamBase = upstreamBase;
  }

  @Override
  public FhirReply send(FhirCall call) throws IOException {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.putAll(call.headers());
    try {
      FhirRequest request = PathShape.classify(call.method(), call.path(), headers::get, call.body(), baseUrl)
          .withCaller(caller);
      Upstream.Body body = call.body() == null ? Upstream.Body.NONE
          : new Upstream.Body(call.body(), null, call.body().length);
      UpstreamAnswer answer = exchange.exchange(request, headers.keySet(), null, body);
      Map<String, List<String>> answered = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      answer.headers().forEach((name, value) -> answered.put(name, List.of(value)));
      return new FhirReply(answer.status(), answered, read(answer.body(), upstreamBase, baseUrl));
    } catch (FhirException e) {
      byte[] outcome = fhir.jsonParser().encodeResourceToString(e.outcome()).getBytes(StandardCharsets.UTF_8);
      return new FhirReply(e.status(), Map.of("Content-Type", List.of("application/fhir+json")), outcome);
    }
  }

  /** A body read whole, {@code from} (the upstream's base URL) replaced by {@code to} in it. */
  static byte[] read(InputStream body, String from, String to) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (body; OutputStream out = new BaseUrlRewriting(bytes, from, to)) {
      body.transferTo(out);
    }
    return bytes.toByteArray();
  }

  @Override
  public String name() {
    return "the upstream FHIR server " + upstreamBase;
  }
}
