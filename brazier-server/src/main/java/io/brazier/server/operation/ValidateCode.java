package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.server.terminology.Hierarchy;
import io.brazier.server.terminology.StoredTerminology;
import io.brazier.server.terminology.StoredTerminology.Concept;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * $validate-code over stored terminology: ValueSet/$validate-code (is the code in the expansion?) and
 * CodeSystem/$validate-code (is it a concept of the code system?), for a code, a coding or a CodeableConcept (valid
 * when any of its codings is). The answer is a Parameters with {@code result}, {@code message} and {@code display}.
 * https://hl7.org/fhir/R4/valueset-operation-validate-code.html
 */
public final class ValidateCode implements Interaction {
  public static final Operations.Definition VALUE_SET_OPERATION =
      new Operations.Definition("validate-code", "http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code");
  public static final Operations.Definition CODE_SYSTEM_OPERATION =
      new Operations.Definition("validate-code", "http://hl7.org/fhir/OperationDefinition/CodeSystem-validate-code");
  private final Fhir fhir;
  private final StoredTerminology terminology;

  public ValidateCode(Fhir fhir, StoredTerminology terminology) {
    this.fhir = fhir;
    this.terminology = terminology;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    OperationInput input = new OperationInput(fhir, request);
    List<Coding> codings = codings(input);
    boolean valueSet = request.type().equals("ValueSet");
    List<Concept> allowed = valueSet ? new ArrayList<>(terminology.expansion(Expand.valueSet(request, input,
        terminology), 0)) : concepts(request, input);
    for (Coding coding : codings) {
      for (Concept concept : allowed) {
        if (concept.code().equals(coding.getCode())
            && (coding.getSystem() == null || Objects.equals(coding.getSystem(), concept.system()))) {
          return answer(true, null, concept.display());
        }
      }
    }
    return answer(false, "The code " + describe(codings) + " is not in the " + (valueSet ? "value set" : "code system")
        + ".", null);
  }

  private static List<Coding> codings(OperationInput input) {
    CodeableConcept concept = input.codeableConcept("codeableConcept");
    if (concept != null) {
      return concept.getCoding();
    }
    Coding coding = input.coding("coding");
    if (coding == null) {
      throw FhirException.badRequest("$validate-code needs a code, a coding or a codeableConcept.");
    }
    return List.of(coding);
  }

  /** The concepts of the CodeSystem the request names: the instance, or {@code url} (or the coding's system). */
  private List<Concept> concepts(FhirRequest request, OperationInput input) {
    String url = request.segments().size() == 3 ? "CodeSystem/" + request.id()
        : input.value("url") != null ? input.value("url") : input.value("system");
    if (url == null) {
      throw FhirException.badRequest("Name the CodeSystem: call it on an instance, or give url.");
    }
    Hierarchy hierarchy = terminology.hierarchy(url);
    List<Concept> concepts = new ArrayList<>();
    String system = hierarchy.codeSystem().getUrl();
    hierarchy.all().forEach(code -> concepts.add(new Concept(system, code, hierarchy.display(code))));
    return concepts;
  }

  private static String describe(List<Coding> codings) {
    return String.join(", ", codings.stream().map(c -> (c.getSystem() == null ? "" : c.getSystem() + "|")
        + c.getCode()).toList());
  }

  private static FhirResponse answer(boolean valid, String message, String display) {
    Parameters out = new Parameters();
    out.addParameter("result", new BooleanType(valid));
    if (message != null) {
      out.addParameter("message", new StringType(message));
    }
    if (display != null) {
      out.addParameter("display", new StringType(display));
    }
    return FhirResponse.ok(out);
  }
}
