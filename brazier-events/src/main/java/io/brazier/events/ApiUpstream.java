package io.brazier.events;

import io.brazier.fhir.Fhir;
import io.brazier.server.Caller;
import io.brazier.server.FhirApi;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.http.Rendering;

/**
 * The server's API in process: the same routes, interceptors and answers as HTTP, rendered to the same JSON, without
 * the network. The publisher asks as the system {@link #SOURCE}.
 */
final class ApiUpstream implements Upstream {
  static final String SOURCE = "urn:brazier:events";

  private final FhirApi api;
  private final Rendering rendering;
  private final String baseUrl;

  ApiUpstream(FhirApi api, Fhir fhir, String baseUrl) {
    this.api = api;
    this.rendering = new Rendering(fhir);
    this.baseUrl = baseUrl;
  }

  @Override
  public Answer get(String url) {
    FhirRequest request = FhirRequest.builder("GET", url).baseUrl(baseUrl).caller(Caller.system(SOURCE))
        .header("Accept", "application/fhir+json").build();
    FhirResponse response = api.handle(request);
    return new Answer(response.status(), response.hasBody() ? rendering.render(request, response) : new byte[0]);
  }
}
