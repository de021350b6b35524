package io.brazier.server.http;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.SummaryEnum;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns a response body into bytes in the client's format. A stored version asked for as plain JSON is served as
 * its stored bytes, without parsing; anything else ({@code _pretty}, XML, {@code _summary}, {@code _elements}) is
 * encoded by HAPI's parser.
 */
public final class Rendering {
  private final Fhir fhir;

  public Rendering(Fhir fhir) {
    this.fhir = fhir;
  }

  public byte[] render(FhirRequest request, FhirResponse response) {
    // _summary=count asks a search for its total; a single resource has none and is rendered whole.
    SummaryEnum summary = request.summary() == SummaryEnum.COUNT ? null : request.summary();
    String elements = request.param("_elements");
    boolean plain = !request.pretty() && summary == null && elements == null;
    if (response.stored() != null && request.responseFormat() == Format.JSON && plain) {
      return response.stored().json();
    }
    Resource resource = response.resource() != null ? response.resource()
        : (Resource) fhir.jsonParser().parseResource(new String(response.stored().json(), StandardCharsets.UTF_8));
    IParser parser = request.responseFormat() == Format.XML ? fhir.xmlParser() : fhir.jsonParser();
    parser.setPrettyPrint(request.pretty());
    if (summary != null) {
      parser.setSummaryMode(summary == SummaryEnum.TRUE);
      parser.setSuppressNarratives(summary == SummaryEnum.DATA);
      if (summary == SummaryEnum.TEXT) {
        parser.setEncodeElements(Set.of("*.text", "*.id", "*.meta"));
      }
    }
    if (elements != null && !elements.isBlank()) {
      Set<String> names = new HashSet<>();
      for (String name : elements.split(",")) {
        names.add(resource.fhirType() + "." + name.trim());
      }
      names.add(resource.fhirType() + ".id");
      names.add(resource.fhirType() + ".meta");
      parser.setEncodeElements(names);
    }
    return parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
  }
}
