package io.brazier.server.export;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The parameters of an export kick-off: the query's (GET, and POST too) and those of a Parameters body (POST). A
 * parameter given several times, or as a comma list, is one list of values, as the Bulk Data IG says of
 * {@code _type} and {@code _typeFilter}.
 */
final class ExportInput {
  private final FhirRequest request;
  private final Parameters body;

  ExportInput(Fhir fhir, FhirRequest request) {
    this.request = request;
    if (request.method().equals("POST") && request.hasBody()) {
      Resource resource = fhir.parse(request.bodyFormat(), new ByteArrayInputStream(request.body()));
      if (!(resource instanceof Parameters parameters)) {
        throw FhirException.badRequest("The body of an $export must be a Parameters resource, not a "
            + resource.fhirType() + ".");
      }
      this.body = parameters;
    } else {
      this.body = new Parameters();
    }
  }

  /** Every parameter named, in the query or the body. */
  Set<String> names() {
    Set<String> names = new LinkedHashSet<>(request.query().keySet());
    body.getParameter().forEach(parameter -> names.add(parameter.getName()));
    return names;
  }

  /** The values of a parameter, each comma list split, blanks left out. */
  List<String> list(String name) {
    List<String> values = new ArrayList<>();
    for (String value : raw(name)) {
      Arrays.stream(value.split(",")).map(String::trim).filter(part -> !part.isEmpty()).forEach(values::add);
    }
    return values;
  }

  /** The one value of a parameter, or null; a 400 when it is given twice with different values. */
  String single(String name) {
    List<String> values = raw(name).stream().distinct().toList();
    if (values.size() > 1) {
      throw FhirException.badRequest(name + " is given more than once: " + values + ".");
    }
    return values.isEmpty() ? null : values.get(0).trim();
  }

  /** The values as given, each possibly a comma list. */
  List<String> raw(String name) {
    List<String> values = new ArrayList<>(request.query().getOrDefault(name, List.of()));
    for (ParametersParameterComponent parameter : body.getParameter()) {
      if (parameter.getName().equals(name) && parameter.getValue() != null) {
        values.add(parameter.getValue() instanceof Reference reference ? reference.getReference()
            : parameter.getValue().primitiveValue());
      }
    }
    return values;
  }

  /** Whether the query (rather than a Parameters body) names the parameter. */
  boolean inQuery(String name) {
    return request.query().containsKey(name);
  }
}
