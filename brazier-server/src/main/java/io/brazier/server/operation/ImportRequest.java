package io.brazier.server.operation;

import io.brazier.client.HttpUrls;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.ServerConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;

/**
 * What a {@code $import} asks, checked at kick-off and kept with its job (as JSON): the mode, the inputs (each a
 * resource type and a URL, optionally the ETag it must still have), and what the job needs to run anywhere later:
 * when it was asked ({@code transactionTime}, a FHIR instant), by what request and caller, the base URL its
 * references and links use, and the rules for references of the node that was asked, so that whichever node runs
 * the job reads it the same way.
 *
 * @param source the caller's {@code meta.source} for what it writes (see {@code Caller}), or null
 * @param integrity whether a reference to nothing fails its line (--referential-integrity of the node asked)
 * @param placeholders whether a reference to nothing gets a placeholder (--missing-references of the node asked)
 * @param twin what makes two kick-offs the same import ({@link #twin(Mode, List)}): a kick-off while a twin by the
 *     same caller is queued or running is answered with that job
 */
record ImportRequest(String transactionTime, String request, String baseUrl, Mode mode, List<Input> inputs,
    String source, boolean integrity, boolean placeholders, String twin) {
  private static final Set<String> FORMATS = Set.of("application/fhir+ndjson", "application/ndjson", "ndjson");
  /** What a kick-off may name: a misspelt parameter is a 400, not a default taken silently. */
  private static final Set<String> PARAMETERS = Set.of("inputFormat", "inputSource", "mode", "input",
      "storageDetail", "_format", "_pretty");
  private static final Set<String> INPUT_PARTS = Set.of("type", "url", "etag");

  /** Microsoft's modes: into types that hold nothing yet, or among what is stored. */
  enum Mode { INITIAL_LOAD, INCREMENTAL_LOAD }

  /** One input: every line of it must be a {@code type}. */
  record Input(String type, String url, String etag) {}

  /** The request of a {@code POST [base]/$import} with a Parameters body; a 400 naming what is wrong otherwise. */
  static ImportRequest of(Fhir fhir, FhirRequest request, Instant now, ServerConfig config) {
    OperationInput parameters = new OperationInput(fhir, request);
    for (String name : parameters.names()) {
      if (!PARAMETERS.contains(name)) {
        throw FhirException.badRequest("$import has no parameter " + name + "; it takes inputFormat, mode, input"
            + " (type, url, etag), storageDetail and inputSource.");
      }
    }
    String format = parameters.single("inputFormat");
    if (format == null || !FORMATS.contains(format.trim().toLowerCase(Locale.ROOT))) {
      throw FhirException.badRequest("$import needs inputFormat application/fhir+ndjson"
          + (format == null ? "." : ", not " + format + "."));
    }
    storageDetail(parameters.parts("storageDetail"));
    List<Input> inputs = new ArrayList<>();
    Set<String> urls = new HashSet<>();
    for (ParametersParameterComponent input : parameters.parts("input")) {
      Input read = input(fhir, input);
      if (!urls.add(read.url())) {
        throw FhirException.badRequest("The input " + HttpUrls.redacted(read.url()) + " is listed twice.");
      }
      inputs.add(read);
    }
    if (inputs.isEmpty()) {
      throw FhirException.badRequest("$import needs at least one input (type and url).");
    }
    Mode mode = mode(parameters.single("mode"));
    return new ImportRequest(ImportManifest.instant(now), request.baseUrl() + "/$import", request.baseUrl(), mode,
        List.copyOf(inputs), request.caller().source(),
        config.referentialIntegrity() == ServerConfig.ReferentialIntegrity.ENFORCE,
        config.missingReferences() == ServerConfig.MissingReferences.PLACEHOLDER, twin(mode, inputs));
  }

  /**
   * What makes two kick-offs the same import, hashed: the mode and the inputs (type, url, etag) as read, the inputs in
   * their order (the manifest and its error files follow it). The format and {@code storageDetail} have one meaning
   * each once read, so they add nothing; the caller is matched apart.
   */
  static String twin(Mode mode, List<Input> inputs) {
    return Jobs.twin(JobJson.write(List.of(mode, inputs)));
  }

  private static Mode mode(String mode) {
    if (mode == null || mode.equalsIgnoreCase("IncrementalLoad")) {
      return Mode.INCREMENTAL_LOAD;
    }
    if (mode.equalsIgnoreCase("InitialLoad")) {
      return Mode.INITIAL_LOAD;
    }
    throw FhirException.badRequest("The mode of $import is InitialLoad or IncrementalLoad, not " + mode + ".");
  }

  private static Input input(Fhir fhir, ParametersParameterComponent input) {
    for (ParametersParameterComponent part : input.getPart()) {
      if (!INPUT_PARTS.contains(part.getName())) {
        throw FhirException.badRequest("An input of $import has no part " + part.getName() + "; it takes type, url"
            + " and etag.");
      }
    }
    String type = part(input, "type");
    String url = part(input, "url");
    if (type == null || url == null) {
      throw FhirException.badRequest("Each input of $import needs a type and a url.");
    }
    if (!fhir.isResourceType(type)) {
      throw FhirException.badRequest("The input " + HttpUrls.redacted(url) + " has type " + type
          + ", which is no resource type.");
    }
    return new Input(type, url, part(input, "etag"));
  }

  /**
   * Microsoft's {@code storageDetail}: at most one, whose only part is {@code type}, a string naming Azure Blob storage
   * (the default; the inputs' URLs say the rest). Anything else would be a setting silently not applied: a 400.
   */
  private static void storageDetail(List<ParametersParameterComponent> details) {
    if (details.size() > 1) {
      throw FhirException.badRequest("$import takes one storageDetail, not " + details.size() + ".");
    }
    for (ParametersParameterComponent detail : details) {
      if (detail.hasValue() || detail.hasResource()) {
        throw FhirException.badRequest("The storageDetail of $import takes parts (type), not a value.");
      }
      for (ParametersParameterComponent part : detail.getPart()) {
        if (!part.getName().equals("type")) {
          throw FhirException.badRequest("The storageDetail of $import has no part " + part.getName() + "; it takes"
              + " type (azure-blob).");
        }
        if (!(part.getValue() instanceof StringType type) || type.getValue() == null) {
          throw FhirException.badRequest("The storageDetail type of $import is a valueString or valueCode"
              + " (azure-blob), not " + (part.hasValue() ? "a value of type " + part.getValue().fhirType()
                  : "a part without a value") + ".");
        }
        if (!type.getValue().trim().equalsIgnoreCase("azure-blob")) {
          throw FhirException.badRequest("The storageDetail type of $import is azure-blob, not " + type.getValue()
              .trim() + ".");
        }
      }
    }
  }

  /** The one value of an input's part, or null; a 400 when it is given twice with other values. */
  private static String part(ParametersParameterComponent input, String name) {
    List<String> values = input.getPart().stream()
        .filter(part -> part.getName().equals(name) && part.getValue() != null
            && part.getValue().primitiveValue() != null)
        .map(part -> part.getValue().primitiveValue().trim()).distinct().toList();
    if (values.size() > 1) {
      throw FhirException.badRequest("An input of $import has more than one " + name + ": " + values + ".");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  /**
   * The order in which the inputs are read: types that no patient owns (Organization, Location, Practitioner,
   * Medication...) first, then Patient, then the rest, each group in the request's order. Conditional references
   * mostly name such shared resources, and a line whose conditional reference names a type with inputs still unread
   * waits until every input is read: in this order, most need not wait.
   */
  List<Integer> readingOrder(Set<String> patientCompartment) {
    return IntStream.range(0, inputs.size()).boxed().sorted(Comparator.comparingInt(i -> {
      String type = inputs.get(i).type();
      return type.equals("Patient") ? 1 : patientCompartment.contains(type) ? 2 : 0;
    })).toList();
  }

  String toJson() {
    return JobJson.write(this);
  }

  static ImportRequest fromJson(String json) {
    return JobJson.read(json, ImportRequest.class);
  }
}
