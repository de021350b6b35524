package io.brazier.server.interaction;

import ca.uhn.fhir.parser.DataFormatException;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.search.Engines;
import io.brazier.fhir.search.FhirPath;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIRPath Patch: a Parameters resource whose {@code operation} parameters add, insert, delete, replace and move
 * elements that FHIRPath expressions name, and upsert them, as Microsoft's FHIR server does (not in the spec: add the
 * child when absent, replace it when present, so that doing it twice does what doing it once did). This class reads and checks the document; {@link FhirPathOperations}
 * applies each operation to the R4 model. https://hl7.org/fhir/R4/fhirpatch.html
 */
final class FhirPathPatch {
  /** The parts each operation type needs besides {@code type} and {@code path}. */
  private static final Map<String, Set<String>> REQUIRED = Map.of(
      "add", Set.of("name", "value"),
      "insert", Set.of("value", "index"),
      "delete", Set.of(),
      "replace", Set.of("value"),
      "move", Set.of("source", "destination"),
      "upsert", Set.of("name", "value"));
  private static final Set<String> PARTS = Set.of("type", "path", "name", "value", "index", "source", "destination");

  /**
   * One operation, checked: the parts its type needs are there. {@code expression} is its path parsed once, for
   * every resource the patch applies to (HAPI's engine only reads a parsed expression as it evaluates it).
   */
  record Operation(String type, String path, ExpressionNode expression, String name,
      ParametersParameterComponent value, Integer index, Integer source, Integer destination) {

    @Override
    public String toString() {
      return type + " at " + path;
    }
  }

  private final Fhir fhir;
  private final Engines engines;

  FhirPathPatch(Fhir fhir) {
    this.fhir = fhir;
    // The context's own validation support, which other FHIRPath users share: the R4 definitions load once.
    // Engines of our own, not FhirPath's: there resolve() gives a stub resource the whole process shares, which a
    // patch whose path goes through resolve() would change; here it finds nothing outside the resource.
    HapiWorkerContext worker = new HapiWorkerContext(fhir.context(), fhir.context().getValidationSupport());
    this.engines = new Engines(() -> new FHIRPathEngine(worker));
  }

  /** Reads and checks every operation: a malformed one is a 400 before anything is read or written. */
  PatchDocument parse(Parameters parameters) {
    List<Operation> operations = new ArrayList<>();
    for (ParametersParameterComponent parameter : parameters.getParameter()) {
      if (!"operation".equals(parameter.getName())) {
        throw FhirException.badRequest("A FHIRPath Patch holds only parameters named 'operation', not '"
            + parameter.getName() + "'.");
      }
      operations.add(operation(parameter));
    }
    return json -> apply(operations, json);
  }

  private Operation operation(ParametersParameterComponent parameter) {
    Map<String, ParametersParameterComponent> parts = new LinkedHashMap<>();
    for (ParametersParameterComponent part : parameter.getPart()) {
      if (!PARTS.contains(part.getName())) {
        throw FhirException.badRequest("A FHIRPath Patch operation has no part '" + part.getName() + "': use "
            + String.join(", ", PARTS) + ".");
      }
      if (parts.put(part.getName(), part) != null) {
        throw FhirException.badRequest("A FHIRPath Patch operation has two parts named '" + part.getName() + "'.");
      }
    }
    String type = string(parts, "type");
    if (type == null || !REQUIRED.containsKey(type)) {
      throw FhirException.badRequest("A FHIRPath Patch operation's type is '" + type
          + "', not one of add, insert, delete, replace, move, upsert.");
    }
    String path = string(parts, "path");
    if (path == null) {
      throw FhirException.badRequest("A FHIRPath Patch " + type + " operation needs a path.");
    }
    for (String required : REQUIRED.get(type)) {
      if (!parts.containsKey(required)) {
        throw FhirException.badRequest("A FHIRPath Patch " + type + " operation needs a part '" + required + "'.");
      }
    }
    ExpressionNode expression = parse(path);
    ParametersParameterComponent value = parts.get("value");
    if (value != null && !value.hasValue() && !value.hasResource() && !value.hasPart()) {
      throw FhirException.badRequest("The value of a FHIRPath Patch " + type + " at " + path + " is empty.");
    }
return new Operation(type, path, expression, string(parts, "name"), value, integer(parts, "index"),
        integer(parts, "source"), integer(parts, "destination"));
  }

  private ExpressionNode parse(String path) {
    try {
      FhirPath.checkNesting(path);
      return engines.with(engine -> engine.parse(path));
    } catch (FHIRException | IllegalArgumentException e) {
      throw FhirException.badRequest("The FHIRPath Patch path '" + path + "' is not FHIRPath: "
          + Fhir.clean(e.getMessage()));
    } catch (NullPointerException e) {
      // HAPI's parser reads past the end of an unfinished expression, such as Patient.name[0
      throw FhirException.badRequest("The FHIRPath Patch path '" + path + "' is not FHIRPath: it ends too early.");
    }
  }

  private static String string(Map<String, ParametersParameterComponent> parts, String name) {
    ParametersParameterComponent part = parts.get(name);
    if (part == null) {
      return null;
    }
    if (!part.hasValue() || !part.getValue().isPrimitive()) {
      throw FhirException.badRequest("The part '" + name + "' of a FHIRPath Patch operation needs a value.");
    }
    return part.getValue().primitiveValue();
  }

  private static Integer integer(Map<String, ParametersParameterComponent> parts, String name) {
    ParametersParameterComponent part = parts.get(name);
    if (part == null) {
      return null;
    }
    if (!(part.getValue() instanceof IntegerType integer) || integer.getValue() == null) {
      throw FhirException.badRequest("The part '" + name + "' of a FHIRPath Patch operation is a valueInteger.");
    }
    return integer.getValue();
  }

  private byte[] apply(List<Operation> operations, byte[] json) {
    Resource resource = fhir.parse(Format.JSON, new ByteArrayInputStream(json));
    return engines.with(engine -> {
      FhirPathOperations editor = new FhirPathOperations(fhir.context(), engine, resource);
      for (Operation operation : operations) {
        try {
          editor.apply(operation);
        } catch (FHIRException | DataFormatException | ClassCastException e) {
          // The model's word for a value of the wrong type or an element it does not have.
          throw FhirException.unprocessable("The FHIRPath Patch " + operation + " does not apply: "
              + Fhir.clean(e.getMessage()));
        }
      }
      return fhir.encode(Format.JSON, resource, false);
    });
  }
}
