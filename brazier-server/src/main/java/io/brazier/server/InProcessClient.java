package io.brazier.server;

import io.brazier.client.FhirCall;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.server.http.Rendering;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's API as a {@link FhirClient} for the modules of its own process (the loader, the event publisher, the
 * sync agent): each call is a request from one caller to {@link FhirApi#handle}, through the same routes and
 * interceptors as HTTP, and its answer the bytes HTTP would send, without the network.
 */
final class InProcessClient implements FhirClient {
  private final FhirApi api;
  private final Fhir fhir;
  private final Rendering rendering;
  private final Caller caller;
  private final String baseUrl;
  private final Restriction restriction;

  InProcessClient(FhirApi api, Fhir fhir, Caller caller, String baseUrl, Restriction restriction) {
    this.api = api;
    this.fhir = fhir;
    this.rendering = new Rendering(fhir);
    this.caller = caller;
    this.baseUrl = baseUrl;
    this.restriction = restriction;
  }

  @Override
  public FhirReply send(FhirCall call) throws IOException {
    FhirRequest request;
    try {
      request = request(call);
    } catch (FhirException e) {
      // A bad Accept or _format fails as the request is built, where HTTP would answer it with this outcome.
      byte[] outcome = fhir.jsonParser().encodeResourceToString(e.outcome()).getBytes(StandardCharsets.UTF_8);
      return new FhirReply(e.status(), Map.of("Content-Type", List.of("application/fhir+json")), outcome);
    }
    FhirResponse response = api.handle(request);
    Map<String, List<String>> headers = new HashMap<>();
    response.headers().forEach((name, value) -> headers.put(name, List.of(value)));
    if (!response.hasBody()) {
      return new FhirReply(response.status(), headers, null);
    }
    headers.put("Content-Type", List.of(contentType(request, response)));
    return new FhirReply(response.status(), headers, body(request, response));
  }

  @Override
  public String name() {
    return baseUrl.isEmpty() ? "this server" : baseUrl;
  }

  private FhirRequest request(FhirCall call) {
    FhirRequest.Builder builder = FhirRequest.builder(call.method(), call.path()).caller(caller).baseUrl(baseUrl);
    call.headers().forEach(builder::header);
    if (call.body() != null) {
      builder.body(call.body(), call.headers().getOrDefault("Content-Type", "application/fhir+json"));
    }
    return builder.build().withRestriction(restriction);
  }

  private byte[] body(FhirRequest request, FhirResponse response) throws IOException {
    if (response.stream() == null) {
      return rendering.render(request, response);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    response.stream().writeTo(out);
    return out.toByteArray();
  }

  private static String contentType(FhirRequest request, FhirResponse response) {
    if (response.contentType() != null) {
      return response.contentType();
    }
    return request.responseFormat() == Format.XML ? "application/fhir+xml" : "application/fhir+json";
  }
}
