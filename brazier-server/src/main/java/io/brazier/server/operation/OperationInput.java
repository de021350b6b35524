package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;

/**
 * The input parameters of an operation, from the query string (GET, and POST too) or a Parameters body (POST).
 * https://hl7.org/fhir/R4/operations.html#request
 */
public final class OperationInput {
  private final FhirRequest request;
  private final Parameters body;

  public OperationInput(Fhir fhir, FhirRequest request) {
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

  /** Every parameter named, in the query or the body. */
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>(request.query().keySet());
    body.getParameter().forEach(parameter -> names.add(parameter.getName()));
    return names;
  }

  /**
   * The values of a parameter given several times or as a comma list (as Bulk Data's {@code _type}), each comma list
   * split, blanks left out.
   */
  public List<String> list(String name) {
    List<String> values = new ArrayList<>();
    for (String value : values(name)) {
      Arrays.stream(value.split(",")).map(String::trim).filter(part -> !part.isEmpty()).forEach(values::add);
    }
    return values;
  }

  /** The one value of a parameter, or null; a 400 when it is given twice with different values. */
  public String single(String name) {
    List<String> values = values(name).stream().distinct().toList();
    if (values.size() > 1) {
      throw FhirException.badRequest(name + " is given more than once: " + values + ".");
    }
    return values.isEmpty() ? null : values.get(0).trim();
  }

  /** The values as given in the query and the body (a Reference by its reference), each possibly a comma list. */
  public List<String> values(String name) {
    List<String> values = new ArrayList<>(request.query().getOrDefault(name, List.of()));
    for (ParametersParameterComponent parameter : body.getParameter()) {
      if (parameter.getName().equals(name) && parameter.getValue() != null) {
        values.add(text(parameter));
      }
    }
    return values;
  }

  /**
   * A body parameter's value as text: a primitive's, or a Reference's reference; a 400 for any other (a Coding, a
   * Reference by identifier), which has no text to take.
   */
  private static String text(ParametersParameterComponent parameter) {
    Type value = parameter.getValue();
    String text = value instanceof Reference reference ? reference.getReference() : value.primitiveValue();
    if (text == null) {
      throw FhirException.badRequest("Parameter " + parameter.getName() + " must be a primitive value (such as"
          + " valueString) or a Reference with a reference (such as Patient/123), not a " + value.fhirType()
          + (value instanceof Reference ? " without one." : "."));
    }
    return text;
  }

  /** Whether the query (rather than a Parameters body) names the parameter. */
  public boolean inQuery(String name) {
    return request.query().containsKey(name);
  }

  /**
   * A Coding parameter as a search token ({@code system|code}, or {@code code} without a system): from a Coding in
   * the body, or as the query gives it; null when absent.
   */
  String token(String name) {
    ParametersParameterComponent parameter = body.getParameter(name);
    if (parameter != null && parameter.getValue() instanceof Coding coding) {
      return coding.hasSystem() ? coding.getSystem() + "|" + coding.getCode() : coding.getCode();
    }
    return single(name);
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
