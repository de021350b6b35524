package io.brazier.fhir.search;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.Lazy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.SearchParameter.SearchModifierCode;

/**
 * The search parameters of the R4 specification. Search needs only a few fields of each, split per base type: those
 * come from {@link #TABLE}, made at build time from the specification's bundle as shipped in
 * hapi-fhir-validation-resources-r4 (see {@link SpecificationTable}). The whole definitions, which only
 * [base]/SearchParameter/[id] serves, are parsed from the bundle when first asked for: a second or more of CPU that
 * a start no longer spends.
 */
final class BuiltInParameters {
  static final String TABLE = "search-parameters.r4.json";
  private static final String BUNDLE = "/org/hl7/fhir/r4/model/sp/search-parameters.json";

  private final Fhir fhir;
  private final Lazy<Map<String, SearchParameter>> definitionsById = Lazy.of(this::parsed);

  BuiltInParameters(Fhir fhir) {
    this.fhir = fhir;
  }

  /** Every parameter of the specification per base, in the bundle's order. */
  static List<SearchParam> params() {
    List<SearchParam> params = new ArrayList<>();
    for (JsonNode row : SpecificationTable.read(TABLE)) {
      List<String> targets = new ArrayList<>();
      row.path("targets").forEach(target -> targets.add(target.asText()));
      List<SearchParam.Component> components = new ArrayList<>();
      row.path("components").forEach(component -> components.add(
          new SearchParam.Component(text(component, "definition"), text(component, "expression"))));
      params.add(new SearchParam(text(row, "url"), text(row, "code"), text(row, "base"),
          ParamType.of(text(row, "type")), text(row, "expression"), targets, components));
    }
    return params;
  }

  private static String text(JsonNode row, String field) {
    JsonNode value = row.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /**
   * A definition by its id in the specification (such as {@code Observation-category}), naming the modifiers this
   * server supports on it; a copy, which the caller may change.
   */
  Optional<SearchParameter> definition(String id) {
    return Optional.ofNullable(definitionsById.get().get(id)).map(SearchParameter::copy);
  }

  private Map<String, SearchParameter> parsed() {
    Map<String, SearchParameter> parsed = new HashMap<>();
    for (SearchParameter definition : specification(fhir)) {
      parsed.put(definition.getIdElement().getIdPart(), withModifiers(definition));
    }
    return parsed;
  }

  /** The specification's definitions, parsed whole, with its erratum corrected: what {@link #TABLE} is made from. */
  static List<SearchParameter> specification(Fhir fhir) {
    try (InputStream in = BuiltInParameters.class.getResourceAsStream(BUNDLE)) {
      if (in == null) {
        throw new IllegalStateException(
            BUNDLE + " is missing: hapi-fhir-validation-resources-r4 must be on the classpath");
      }
      Bundle bundle = fhir.jsonParser().parseResource(Bundle.class, new InputStreamReader(in, StandardCharsets.UTF_8));
      List<SearchParameter> definitions = new ArrayList<>();
      bundle.getEntry().forEach(entry -> definitions.add(corrected((SearchParameter) entry.getResource())));
      return definitions;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The one erratum of the R4 definitions that search trips on: DocumentReference's relationship gives its reference
   * component (relatesto) the expression of the code and its token component (relation) that of the target.
   */
  private static SearchParameter corrected(SearchParameter definition) {
    if (definition.getUrl().equals("http://hl7.org/fhir/SearchParameter/DocumentReference-relationship")) {
      var components = definition.getComponent();
      String relatesTo = components.get(1).getExpression();
      components.get(1).setExpression(components.get(0).getExpression());
      components.get(0).setExpression(relatesTo);
    }
    return definition;
  }

  private static SearchParameter withModifiers(SearchParameter definition) {
    SearchParameter served = definition.copy();
    served.getModifier().clear();
    ParamType type = ParamType.of(definition.getType().toCode());
    for (String modifier : SearchParameters.modifiers(definition.getCode(), type)) {
      served.addModifier(SearchModifierCode.fromCode(modifier.equals("of-type") ? "ofType" : modifier));
    }
    return served;
  }
}
