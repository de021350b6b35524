package io.brazier.fhir;

import org.hl7.fhir.convertors.factory.VersionConvertorFactory_30_40;
import org.hl7.fhir.dstu3.formats.JsonParser;
import org.hl7.fhir.r4.model.Resource;

/**
 * A FHIR STU3 (3.0) resource in JSON as its R4 form, by the FHIR core libraries' version converter (the one HAPI's
 * validator uses, so it adds nothing to what is shipped). The core STU3 parser is lenient: it drops an element STU3
 * does not have (a misspelt one too) and takes an array for a single value, so only what is not JSON or not an STU3
 * resource type is refused.
 */
public final class Stu3ToR4 {
  private Stu3ToR4() {}

  /** The R4 form of {@code json}; a 400 for text that is not an STU3 resource or that R4 cannot hold. */
  public static Resource convert(String json) {
    org.hl7.fhir.dstu3.model.Resource stu3;
    try {
      stu3 = new JsonParser().parse(json);
    } catch (Exception e) { // IOException, FHIRFormatError and the parser's runtime failures alike
      throw FhirException.badRequest("The input is not an STU3 resource in JSON: " + e.getMessage());
    }
    try {
      return VersionConvertorFactory_30_40.convertResource(stu3);
    } catch (RuntimeException e) { // FHIRException: content with no R4 form
      throw FhirException.badRequest("The STU3 " + stu3.fhirType() + " has no R4 form: " + e.getMessage());
    }
  }
}
