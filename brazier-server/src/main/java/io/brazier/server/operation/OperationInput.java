package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Resource;

/**
 * The input parameters of an operation, from the query string (GET) or a Parameters body (POST).
 * https://hl7.org/fhir/R4/operations.html#request
 */
final class OperationInput {
  private final FhirRequest request;
  private final Parameters body;

  OperationInput(Fhir fhir, FhirRequest request) {
    this.request = request;
    if (request.method().equals("POST") && request.hasBody()) {
      Resource resource = fhir.parse(request.bodyFormat(), new ByteArrayInputStream(request.body()));
      if (!(resource instanceof Parameters parameters)) {
        throw FhirException.badRequest("The body of an operation must be a Parameters resource, not a "
            + resource.fhirType() + ".");
      }
      this.body = parameters;
    } else {
      this.body = new Parameters();
    }
  }

  /** A primitive parameter's value, or null. */
  String value(String name) {
    String query = request.param(name);
    if (query != null) {
      return query;
    }
    ParametersParameterComponent parameter = body.getParameter(name);
    return parameter != null && parameter.getValue() != null ? parameter.getValue().primitiveValue() : null;
  }

  /** A Coding parameter, or one made of the {@code system} and {@code code} parameters; null when neither. */
  Coding coding(String name) {
    ParametersParameterComponent parameter = body.getParameter(name);
    if (parameter != null && parameter.getValue() instanceof Coding coding) {
      return coding;
    }
    String code = value("code");
    return code == null ? null : new Coding(value("system"), code, value("display"));
  }

  /** A CodeableConcept parameter, or null. */
  CodeableConcept codeableConcept(String name) {
    ParametersParameterComponent parameter = body.getParameter(name);
    return parameter != null && parameter.getValue() instanceof CodeableConcept concept ? concept : null;
  }

  /** A resource parameter such as {@code valueSet}, or null. */
  Resource resource(String name) {
    ParametersParameterComponent parameter = body.getParameter(name);
    return parameter == null ? null : parameter.getResource();
  }

  /** The parts of a repeating parameter with parts, such as {@code input} of {@code $import}. */
  List<ParametersParameterComponent> parts(String name) {
    return body.getParameter().stream().filter(parameter -> parameter.getName().equals(name)).toList();
  }

  int integer(String name, int fallback) {
    String value = value(name);
    if (value == null) {
      return fallback;
    }
    try {
      int number = Integer.parseInt(value);
      if (number < 0) {
        throw new NumberFormatException();
      }
      return number;
    } catch (NumberFormatException e) {
      throw FhirException.badRequest("Parameter " + name + " must be a whole number, not '" + value + "'.");
    }
  }
}
