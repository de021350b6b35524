package io.brazier.server.http;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.SummaryEnum;
import io.brazier.fhir.FhirException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** What a client asked of the encoding: {@code _pretty}, {@code _summary} and {@code _elements}. */
record RenderOptions(boolean pretty, SummaryEnum summary, Set<String> elements) {
  static final RenderOptions PLAIN = new RenderOptions(false, null, Set.of());

  /** @throws io.brazier.fhir.FhirException 400 for a {@code _summary} that is not one of the spec's */
  static RenderOptions of(FhirRequest request) {
    String elements = request.param("_elements");
    Set<String> names = new HashSet<>();
    if (elements != null && !elements.isBlank()) {
      for (String name : elements.split(",")) {
        if (!name.isBlank()) {
          names.add(name.trim());
        }
      }
    }
    return new RenderOptions(request.pretty(), summary(request.param("_summary")), names);
  }

  /** Whether the stored bytes can be served as they are. */
  boolean plain() {
    return !pretty && summary == null && elements.isEmpty();
  }

  /**
   * Sets the parser up; {@code type} is the resource type the elements apply to, or null for every resource inside
   * a Bundle (and not the Bundle itself).
   */
  void apply(IParser parser, String type) {
    parser.setPrettyPrint(pretty);
    if (summary != null) {
      parser.setSummaryMode(summary == SummaryEnum.TRUE);
      parser.setSuppressNarratives(summary == SummaryEnum.DATA);
      if (summary == SummaryEnum.TEXT) {
        parser.setEncodeElements(Set.of("*.text", "*.id", "*.meta"));
      }
    }
    if (!elements.isEmpty()) {
      String prefix = type == null ? "*." : type + ".";
      Set<String> names = new HashSet<>();
      elements.forEach(name -> names.add(prefix + name));
      names.add(prefix + "id");
      names.add(prefix + "meta");
      parser.setEncodeElements(names);
      parser.setEncodeElementsAppliesToChildResourcesOnly(type == null);
    }
  }

  private static SummaryEnum summary(String value) {
    if (value == null || value.equalsIgnoreCase("false")) {
      return null;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> SummaryEnum.TRUE;
      case "text" -> SummaryEnum.TEXT;
      case "data" -> SummaryEnum.DATA;
      case "count" -> SummaryEnum.COUNT;
      default -> throw FhirException.badRequest("_summary '" + value
          + "' is not supported here: use true, text, data, count or false.");
    };
  }
}
