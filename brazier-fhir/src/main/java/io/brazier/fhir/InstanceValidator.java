package io.brazier.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationOptions;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * HAPI's instance validator over the base R4 definitions and further ones ({@code definitions}: the profiles a
 * server stores, or those of a directory), with snapshots generated for profiles given as differentials and the
 * terminology it can check in memory. Expensive to build and thread-safe: one serves every request.
 */
public final class InstanceValidator {
  private final ValidationSupportChain chain;
  private final FhirValidator validator;

  public InstanceValidator(Fhir fhir, IValidationSupport definitions) {
    FhirContext context = fhir.context();
    this.chain = new ValidationSupportChain(new DefaultProfileValidationSupport(context),
        new CommonCodeSystemsTerminologyService(context),
        new InMemoryTerminologyServerValidationSupport(context),
        new SnapshotGeneratingValidationSupport(context),
        definitions);
    FhirInstanceValidator module = new FhirInstanceValidator(chain);
    // A profile that is not held, such as the US Core ones Synthea names, is a warning, not an error.
    module.setErrorForUnknownProfiles(false);
    this.validator = new FhirValidator(context);
    validator.registerValidatorModule(module);
  }

  /** Whether the definitions hold the StructureDefinition {@code url}. */
  public boolean holds(String url) {
    return chain.fetchStructureDefinition(url) != null;
  }

  /** Validates a resource given as JSON or XML text, which the validator reads itself, against {@code profiles}. */
  public OperationOutcome validate(String resource, List<String> profiles) {
    ValidationOptions options = new ValidationOptions();
    profiles.forEach(options::addProfile);
    return (OperationOutcome) validator.validateWithResult(resource, options).toOperationOutcome();
  }

  /** Drops what the chain keeps of the definitions, which tells them to forget what they served. */
  public void forgetDefinitions() {
    chain.invalidateCaches();
  }
}
