package io.brazier.server.operation;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.server.FhirRequest;
import io.brazier.server.http.Body;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Resource;

/**
 * The input of a $validate request: the resource (null when the request names a stored one), its text as the
 * validator will read it, the mode and the profiles. The body is either the resource itself or a Parameters with
 * {@code resource}, {@code mode} and {@code profile}; the query may carry mode and profile too.
 *
 * @param parseIssues what the validator does not report but a write refuses: what the parser dropped from a
 *     resource inside a Parameters, which the validator never sees, and the values of a JSON resource that do not
 *     have their JSON type ({@code "active":"true"}), which it reads past
 */
record ValidateInput(Resource resource, String text, String mode, List<String> profiles,
    List<OperationOutcomeIssueComponent> parseIssues) {

  static ValidateInput read(Fhir fhir, FhirRequest request) {
    String mode = request.param("mode");
    List<String> profiles = new ArrayList<>(request.query().getOrDefault("profile", List.of()));
    if (!request.hasBody()) {
      return new ValidateInput(null, null, mode, profiles, List.of());
    }
    ParseIssues issues = new ParseIssues();
    Resource body = fhir.parse(request.bodyFormat(), new ByteArrayInputStream(request.body()), issues);
    JsonNode tree = request.bodyFormat() == Format.JSON ? Body.read(request.body()) : null;
    if (!(body instanceof Parameters parameters) || !isOperationInput(request, parameters)) {
      // The validator reads the text as sent, so it reports the parse issues itself, with their locations.
      return new ValidateInput(body, new String(request.body(), StandardCharsets.UTF_8), mode, profiles,
          jsonTypeIssues(fhir, tree));
    }
    Resource resource = null;
    for (ParametersParameterComponent parameter : parameters.getParameter()) {
      switch (String.valueOf(parameter.getName())) {
        case "resource" -> resource = parameter.getResource();
        case "mode" -> mode = value(parameter);
        case "profile" -> profiles.add(value(parameter));
        default -> throw FhirException.badRequest("'" + parameter.getName()
            + "' is not a parameter of $validate: use resource, mode and profile.");
      }
    }
    String text = resource == null ? null : new String(fhir.encode(Format.JSON, resource, false),
        StandardCharsets.UTF_8);
    List<OperationOutcomeIssueComponent> parseIssues = new ArrayList<>(issues.issues());
    parseIssues.addAll(jsonTypeIssues(fhir, tree == null ? null : resourceParameter(tree)));
    return new ValidateInput(resource, text, mode, profiles, parseIssues);
  }

  /** The issues of a JSON resource's values of the wrong JSON type; none for XML (null), which has no such types. */
  private static List<OperationOutcomeIssueComponent> jsonTypeIssues(Fhir fhir, JsonNode resource) {
    return resource == null ? List.of() : fhir.jsonTypeIssues(resource);
  }

  /** The JSON of the resource parameter (the last, as {@link #read} takes) of a Parameters, or null. */
  private static JsonNode resourceParameter(JsonNode parameters) {
    JsonNode resource = null;
    for (JsonNode parameter : parameters.path("parameter")) {
      if ("resource".equals(parameter.path("name").asText())) {
        resource = parameter.path("resource").isObject() ? parameter.get("resource") : null;
      }
    }
    return resource;
  }

  /** A Parameters body is the operation's input, unless the URL asks to validate a Parameters resource itself. */
  private static boolean isOperationInput(FhirRequest request, Parameters parameters) {
    return !request.type().equals("Parameters")
        || parameters.getParameter().stream().anyMatch(p -> "resource".equals(p.getName()) && p.hasResource());
  }

  private static String value(ParametersParameterComponent parameter) {
    if (parameter.getValue() == null || !parameter.getValue().isPrimitive()) {
      throw FhirException.badRequest("The $validate parameter '" + parameter.getName() + "' needs a value.");
    }
    return parameter.getValue().primitiveValue();
  }
}
