package io.brazier.server.http;

import ca.uhn.fhir.parser.IParser;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * Renders a {@link BundleBody}. Plain JSON is assembled around the stored bytes of the entries; anything else
 * ({@code _pretty}, XML, {@code _summary}, {@code _elements}) parses the entries and lets HAPI encode the Bundle,
 * applying those to the entries' resources.
 */
final class BundleRendering {
  private final Fhir fhir;

  BundleRendering(Fhir fhir) {
    this.fhir = fhir;
  }

  byte[] render(FhirRequest request, BundleBody body, RenderOptions options) {
    Bundle head = head(body);
    if (request.responseFormat() == Format.JSON && options.plain()) {
      return spliced(head, body);
    }
    for (BundleBody.Entry entry : body.entries()) {
      Resource resource = entry.resource() != null ? entry.resource()
          : (Resource) fhir.jsonParser().parseResource(new String(entry.stored().json(), StandardCharsets.UTF_8));
      head.addEntry().setFullUrl(entry.fullUrl()).setResource(resource).getSearch().setMode(entry.mode());
    }
    IParser parser = request.responseFormat() == Format.XML ? fhir.xmlParser() : fhir.jsonParser();
    options.apply(parser, null);
    return parser.encodeResourceToString(head).getBytes(StandardCharsets.UTF_8);
  }

  private static Bundle head(BundleBody body) {
    Bundle bundle = new Bundle();
    bundle.setId(UUID.randomUUID().toString());
    bundle.getMeta().setLastUpdated(new Date());
    bundle.setType(body.type());
    if (body.total() != null) {
      bundle.setTotal(body.total());
    }
    for (Map.Entry<String, String> link : body.links().entrySet()) {
      bundle.addLink().setRelation(link.getKey()).setUrl(link.getValue());
    }
    return bundle;
  }

  /** {"resourceType":"Bundle",...,"link":[...],"entry":[{"fullUrl":..,"resource":<stored>,"search":{..}}]}. */
  private byte[] spliced(Bundle head, BundleBody body) {
    String encoded = fhir.jsonParser().encodeResourceToString(head);
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096 + body.entries().size() * 2048);
    out.writeBytes(encoded.substring(0, encoded.length() - 1).getBytes(StandardCharsets.UTF_8));
    if (!body.entries().isEmpty()) {
      out.writeBytes(",\"entry\":[".getBytes(StandardCharsets.UTF_8));
      boolean first = true;
      for (BundleBody.Entry entry : body.entries()) {
        out.writeBytes(((first ? "" : ",") + "{\"fullUrl\":\"" + escape(entry.fullUrl()) + "\",\"resource\":")
            .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(entry.resource() != null
            ? fhir.jsonParser().encodeResourceToString(entry.resource()).getBytes(StandardCharsets.UTF_8)
            : entry.stored().json());
        out.writeBytes((",\"search\":{\"mode\":\"" + entry.mode().toCode() + "\"}}").getBytes(StandardCharsets.UTF_8));
        first = false;
      }
      out.writeBytes("]".getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes("}".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
