package io.brazier.server.http;

import ca.uhn.fhir.parser.IParser;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns a response body into bytes in the client's format. A stored version asked for as plain JSON is served as
 * its stored bytes, without parsing; anything else ({@code _pretty}, XML, {@code _summary}, {@code _elements}) is
 * encoded by HAPI's parser. Bundles of stored versions are {@link BundleRendering}'s.
 */
public final class Rendering {
  private final Fhir fhir;
  private final BundleRendering bundles;

  public Rendering(Fhir fhir) {
    this.fhir = fhir;
    this.bundles = new BundleRendering(fhir);
  }

  public byte[] render(FhirRequest request, FhirResponse response) {
    // An error is rendered plainly: the request's own _summary or _elements may be what was wrong with it.
    RenderOptions options = response.status() >= 400 ? RenderOptions.PLAIN : RenderOptions.of(request);
    if (response.bundle() != null) {
      return bundles.render(request, response.bundle(), options);
    }
    if (response.stored() != null && request.responseFormat() == Format.JSON && options.plain()) {
      return response.stored().json();
    }
    Resource resource = response.resource() != null ? response.resource()
        : (Resource) fhir.jsonParser().parseResource(new String(response.stored().json(), StandardCharsets.UTF_8));
    IParser parser = request.responseFormat() == Format.XML ? fhir.xmlParser() : fhir.jsonParser();
    options.apply(parser, resource.fhirType());
    return parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
  }
}
