package io.brazier.server.http;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.SummaryEnum;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.export.Elements;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns a response body into bytes in the client's format. A stored version asked for as plain JSON is served as
 * its stored bytes, and a bundle of them with those bytes spliced in, without parsing; with {@code _elements}, the
 * stored bytes are cut as they stream ({@link Elements}). Anything else ({@code _pretty}, XML, {@code _summary}) is
 * encoded by HAPI's parser. A body that is not
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
    Elements cut = elements == null || elements.isBlank() ? null : Elements.parse(fhir, elements);
    boolean json = request.responseFormat() == Format.JSON;
    if (json && !request.pretty() && summary == null && (response.stored() != null || response.bundle() != null)) {
      return cutJson(response, cut);
    }
    // _elements is applied by the same cut in every format, so XML and pretty JSON keep the mandatory elements too.
    Resource resource = cut != null || response.stored() != null ? parse(cutJson(response, cut))
        : response.resource() != null ? response.resource()
        : response.bundle().parsed(fhir);
    IParser parser = request.responseFormat() == Format.XML ? fhir.xmlParser() : fhir.jsonParser();
    parser.setPrettyPrint(request.pretty());
    if (summary != null) {
      if (cut != null) {
        unmarkSubsetted(resource); // the cut marked what it kept; HAPI's summary mode marks it again
      }
      parser.setSummaryMode(summary == SummaryEnum.TRUE);
      parser.setSuppressNarratives(summary == SummaryEnum.DATA);
      if (summary == SummaryEnum.TEXT) {
        // R4's text summary: the narrative, id, meta and the top-level mandatory elements; of a searchset, those of
        // each entry's resource, for the bundle itself has no narrative and would be left empty.
        parser.setEncodeElements(Set.of("*.text", "*.id", "*.meta", "*.(mandatory)"));
        parser.setEncodeElementsAppliesToChildResourcesOnly(resource instanceof Bundle);
      }
    }
    return parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
  }

  private static void unmarkSubsetted(Resource resource) {
    List<Resource> resources = resource instanceof Bundle bundle
        ? bundle.getEntry().stream().map(BundleEntryComponent::getResource).filter(Objects::nonNull).toList()
        : List.of(resource);
    resources.forEach(each -> each.getMeta().getTag().removeIf(tag -> "SUBSETTED".equals(tag.getCode())));
  }

  private Resource parse(byte[] json) {
    return (Resource) fhir.jsonParser().parseResource(new String(json, StandardCharsets.UTF_8));
  }

  /** The response as JSON bytes, cut to {@code cut}'s elements unless it is null. */
  private byte[] cutJson(FhirResponse response, Elements cut) {
    if (response.stored() != null) {
      return cut == null ? response.stored().json() : cut.apply(response.stored().type(), response.stored().json());
    }
    if (response.bundle() != null) {
      return response.bundle().json(fhir, cut);
    }
    byte[] json = fhir.jsonParser().encodeResourceToString(response.resource()).getBytes(StandardCharsets.UTF_8);
    return cut == null ? json : cut.apply(response.resource().fhirType(), json);
  }
}
