package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.server.terminology.Hierarchy;
import io.brazier.server.terminology.StoredTerminology;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * CodeSystem/$lookup over stored CodeSystems: name, version and display of a code, its designations, and its
 * parents and children as properties. https://hl7.org/fhir/R4/codesystem-operation-lookup.html
 */
public final class Lookup implements Interaction {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("lookup", "http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup");
  private final Fhir fhir;
  private final StoredTerminology terminology;

  public Lookup(Fhir fhir, StoredTerminology terminology) {
    this.fhir = fhir;
    this.terminology = terminology;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    Coding coding = new OperationInput(fhir, request).coding("coding");
    if (coding == null || coding.getSystem() == null) {
      throw FhirException.badRequest("$lookup needs system and code, or a coding.");
    }
    Hierarchy hierarchy = terminology.hierarchy(coding.getSystem());
    ConceptDefinitionComponent concept = hierarchy.concept(coding.getCode());
    if (concept == null) {
      throw new FhirException(404, IssueType.NOTFOUND, "Code '" + coding.getCode() + "' is not in CodeSystem "
          + coding.getSystem() + ".");
    }
    Parameters out = new Parameters();
    out.addParameter("name", new StringType(hierarchy.codeSystem().hasName() ? hierarchy.codeSystem().getName()
        : coding.getSystem()));
    if (hierarchy.codeSystem().hasVersion()) {
      out.addParameter("version", new StringType(hierarchy.codeSystem().getVersion()));
    }
    if (concept.hasDisplay()) {
      out.addParameter("display", new StringType(concept.getDisplay()));
    }
    concept.getDesignation().forEach(designation -> {
      var part = out.addParameter().setName("designation");
      part.addPart().setName("value").setValue(new StringType(designation.getValue()));
      if (designation.hasLanguage()) {
        part.addPart().setName("language").setValue(new CodeType(designation.getLanguage()));
      }
    });
    property(out, "parent", hierarchy.parents(coding.getCode()));
    property(out, "child", hierarchy.children(coding.getCode()));
    return FhirResponse.ok(out);
  }

  private static void property(Parameters out, String name, java.util.Set<String> codes) {
    for (String code : codes) {
      var part = out.addParameter().setName("property");
      part.addPart().setName("code").setValue(new CodeType(name));
      part.addPart().setName("value").setValue(new CodeType(code));
    }
  }
}
