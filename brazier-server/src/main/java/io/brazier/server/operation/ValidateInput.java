package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.server.FhirRequest;
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
 * @param parseIssues what the parser dropped from a resource inside a Parameters, which the validator never sees
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
    if (!(body instanceof Parameters parameters) || !isOperationInput(request, parameters)) {
      // The validator reads the text as sent, so it reports the parse issues itself, with their locations.
      return new ValidateInput(body, new String(request.body(), StandardCharsets.UTF_8), mode, profiles, List.of());
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
    return new ValidateInput(resource, text, mode, profiles, issues.issues());
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
