package io.brazier.proxy.isolation;

import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import io.brazier.server.FhirRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * A checked answer in the format and shape the caller asked for ({@code _format} or {@code Accept},
 * {@code _summary}, {@code _elements}): the proxy asks the upstream for whole resources in JSON, as it checks them,
 * and shapes them here; an answer no one asked to shape passes as the upstream's JSON.
 */
public final class AnswerFormat {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  /** A body and its Content-Type (null: the upstream's, for a body passed as it came). */
  public record Encoded(byte[] body, String contentType) {}

  private final Fhir fhir;

  AnswerFormat(Fhir fhir) {
    this.fhir = fhir;
  }

  Encoded encoded(FhirRequest asked, JsonNode checked, byte[] original) {
    if (checked == null) {
      return new Encoded(original, null);
    }
    String summary = asked.param("_summary");
    String elements = asked.param("_elements");
    boolean shaped = (summary != null && !summary.equals("count") && !summary.equals("false")) || elements != null;
    if (!checked.has("resourceType") || (asked.responseFormat() == Format.JSON && !shaped)) {
      return new Encoded(bytes(checked), "application/fhir+json;charset=utf-8");
    }
    boolean xml = asked.responseFormat() == Format.XML;
    IParser parser = xml ? fhir.xmlParser() : fhir.jsonParser();
    shape(parser, summary, elements, checked.path("resourceType").asText().equals("Bundle"));
    IBaseResource resource = fhir.jsonParser().parseResource(checked.toString());
    return new Encoded(parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8),
        xml ? "application/fhir+xml;charset=utf-8" : "application/fhir+json;charset=utf-8");
  }

  private static void shape(IParser parser, String summary, String elements, boolean bundle) {
    if (elements != null) {
      Set<String> kept = new HashSet<>();
      Arrays.stream(elements.split(",")).map(String::trim).filter(name -> !name.isEmpty())
          .forEach(name -> kept.add("*." + name));
      parser.setEncodeElements(kept);
      parser.setEncodeElementsAppliesToChildResourcesOnly(bundle);
    } else if ("true".equals(summary)) {
      parser.setSummaryMode(true);
    } else if ("data".equals(summary)) {
      parser.setSuppressNarratives(true);
    } else if ("text".equals(summary)) {
      parser.setEncodeElements(Set.of("*.text", "*.id", "*.meta"));
      parser.setEncodeElementsAppliesToChildResourcesOnly(bundle);
    }
  }

  private static byte[] bytes(JsonNode json) {
    try {
      return JSON.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A JSON tree is written as JSON", e);
    }
  }
}
