package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;

/**
 * The patch of a {@code $bulk-update}, as Microsoft's FHIR server takes it: a FHIRPath Patch of {@code replace} and
 * {@code upsert} operations only (both do nothing more when applied again, so a patch that reaches a resource twice
 * does no harm), each for the type its path starts with ({@code Patient.active}) or for every type
 * ({@code Resource.meta}). A resource of a type no operation names is left alone.
 */
final class BulkUpdatePatch {
  private static final Set<String> OPERATION_TYPES = Set.of("replace", "upsert");
  private static final String EVERY_TYPE = "Resource";
  /** The name a path starts with: a resource type, or Resource. */
  private static final Pattern ROOT = Pattern.compile("^([A-Za-z]+)(?![A-Za-z(])");

  private final Fhir fhir;
  private final Parameters patch;

  private BulkUpdatePatch(Fhir fhir, Parameters patch) {
    this.fhir = fhir;
    this.patch = patch;
  }

  /**
   * The operations of {@code patch}, checked: a 400 for an operation of another type than replace or upsert, or one
   * whose path does not start with a resource type or Resource. The rest of FHIRPath Patch the patch checks itself.
   */
  static BulkUpdatePatch of(Fhir fhir, Parameters patch) {
    for (ParametersParameterComponent operation : patch.getParameter()) {
      String type = part(operation, "type");
      if (type == null || !OPERATION_TYPES.contains(type)) {
        throw FhirException.badRequest("$bulk-update takes FHIRPath Patch operations of type replace or upsert only,"
            + " not '" + type + "': an add, insert, move or delete would do more each time it is applied.");
      }
      String root = root(part(operation, "path"));
      if (root == null || !root.equals(EVERY_TYPE) && !fhir.isResourceType(root)) {
        throw FhirException.badRequest("The path '" + part(operation, "path") + "' of a $bulk-update operation must"
            + " start with the resource type it patches (Patient.active) or with Resource (Resource.meta).");
      }
    }
    return new BulkUpdatePatch(fhir, patch);
  }

  /** A patch checked at kick-off, read back from the job's request. */
  static BulkUpdatePatch of(Fhir fhir, String json) {
    return new BulkUpdatePatch(fhir, (Parameters) fhir.jsonParser().parseResource(json));
  }

  /** The patch as JSON, for the job's request; {@link #of(Fhir, String)} reads it back. */
  String json() {
    return new String(fhir.encode(Format.JSON, patch, false), StandardCharsets.UTF_8);
  }

  /** Whether an operation patches resources of {@code type}. */
  boolean patches(String type) {
    return patch.getParameter().stream().map(operation -> root(part(operation, "path")))
        .anyMatch(root -> root.equals(type) || root.equals(EVERY_TYPE));
  }

  /** The operations for {@code type} as a FHIRPath Patch of its own (Resource written as the type); empty if none. */
  Optional<Parameters> forType(String type) {
    Parameters own = new Parameters();
    for (ParametersParameterComponent operation : patch.getParameter()) {
      String path = part(operation, "path");
      String root = root(path);
      if (root.equals(type) || root.equals(EVERY_TYPE)) {
        ParametersParameterComponent copy = operation.copy();
        copy.getPart().stream().filter(part -> part.getName().equals("path"))
            .forEach(part -> part.setValue(new StringType(type + path.substring(root.length()))));
        own.addParameter(copy);
      }
    }
    return own.hasParameter() ? Optional.of(own) : Optional.empty();
  }

  private static String root(String path) {
    if (path == null) {
      return null;
    }
    Matcher matcher = ROOT.matcher(path);
    return matcher.find() ? matcher.group(1) : null;
  }

  private static String part(ParametersParameterComponent operation, String name) {
    return operation.getPart().stream().filter(part -> name.equals(part.getName()) && part.hasValue()
        && part.getValue().isPrimitive()).map(part -> part.getValue().primitiveValue()).findFirst().orElse(null);
  }
}
