package io.brazier.server.http;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.SummaryEnum;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns a response body into bytes in the client's format. A stored version asked for as plain JSON is served as
 * its stored bytes, and a bundle of them with those bytes spliced in, without parsing; anything else
 * ({@code _pretty}, XML, {@code _summary}, {@code _elements}) is encoded by HAPI's parser. A body that is not
 * FHIR (a Bulk Data manifest) is sent as it is.
 */
public final class Rendering {
  private final Fhir fhir;

  public Rendering(Fhir fhir) {
    this.fhir = fhir;
  }

  public byte[] render(FhirRequest request, FhirResponse response) {
    if (response.raw() != null) {
      return response.raw();
    }
    // _summary=count asks a search for its total; a single resource has none and is rendered whole. An error's
    // OperationOutcome is rendered whole too: _summary or _elements would strip its issues.
    boolean whole = request.summary() == SummaryEnum.COUNT || response.status() >= 400;
    SummaryEnum summary = whole ? null : request.summary();
    String elements = whole ? null : request.param("_elements");
    boolean plain = !request.pretty() && summary == null && elements == null;
    boolean json = request.responseFormat() == Format.JSON;
    if (response.stored() != null && json && plain) {
      return response.stored().json();
    }
    if (response.bundle() != null && json && plain) {
      return response.bundle().json(fhir);
    }
    Resource resource = response.resource() != null ? response.resource()
        : response.bundle() != null ? response.bundle().parsed(fhir)
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
      // In a bundle of stored resources, as in a search result, the elements are those of each entry's resource.
      boolean entries = response.bundle() != null;
      String prefix = entries ? "*." : resource.fhirType() + ".";
      Set<String> names = new HashSet<>();
      for (String name : elements.split(",")) {
        names.add(prefix + name.trim());
      }
      names.add(prefix + "id");
      names.add(prefix + "meta");
      parser.setEncodeElements(names);
      parser.setEncodeElementsAppliesToChildResourcesOnly(entries);
    }
    return parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
  }
}
