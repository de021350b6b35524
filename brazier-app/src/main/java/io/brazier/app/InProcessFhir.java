package io.brazier.app;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.Caller;
import io.brazier.server.FhirApi;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.http.Rendering;
import io.brazier.sync.FhirCall;
import io.brazier.sync.FhirClient;
import io.brazier.sync.FhirReply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The sync agent's FHIR client inside {@code brazier serve}: each call becomes a request to the server's
 * {@link FhirApi}, as HTTP requests do, without the network, from a system caller whose writes carry the agent's
 * {@code meta.source}. It lives here, where modules are wired, so that brazier-sync knows only its own FHIR client
 * interface and never the server's classes.
 */
final class InProcessFhir implements FhirClient {
  private final FhirApi api;
  private final Fhir fhir;
  private final Rendering rendering;
  private final String baseUrl;
  private final Caller caller;

  /** @param baseUrl the server's base URL, as it writes it into links */
  InProcessFhir(FhirApi api, Fhir fhir, String baseUrl, String source) {
    this.api = api;
    this.fhir = fhir;
    this.rendering = new Rendering(fhir);
    this.baseUrl = baseUrl;
    this.caller = Caller.system(source);
  }

  @Override
  public FhirReply send(FhirCall call) throws IOException {
    FhirRequest request;
    try {
      FhirRequest.Builder builder = FhirRequest.builder(call.method(), call.url()).caller(caller).baseUrl(baseUrl);
      call.headers().forEach(builder::header);
      if (call.body() != null) {
        builder.body(call.body(), call.headers().getOrDefault("Content-Type", "application/fhir+json"));
      }
      request = builder.build();
    } catch (FhirException e) {
      byte[] outcome = fhir.jsonParser().encodeResourceToString(e.outcome()).getBytes(StandardCharsets.UTF_8);
      return new FhirReply(e.status(), Map.of("Content-Type", "application/fhir+json"), outcome);
    }
    FhirResponse response = api.handle(request);
    return new FhirReply(response.status(), response.headers(), body(request, response));
  }

  private byte[] body(FhirRequest request, FhirResponse response) throws IOException {
    if (!response.hasBody()) {
      return new byte[0];
    }
    if (response.stream() != null) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      response.stream().writeTo(out);
      return out.toByteArray();
    }
    return rendering.render(request, response);
  }

  @Override
  public String name() {
    return baseUrl;
  }
}
