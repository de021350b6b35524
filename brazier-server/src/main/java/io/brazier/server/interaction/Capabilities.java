package io.brazier.server.interaction;

import ca.uhn.fhir.context.RuntimeSearchParam;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import io.brazier.server.http.FhirRequest;
import io.brazier.server.http.FhirResponse;
import io.brazier.server.http.Formats;
import java.util.Date;
import java.util.Locale;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalDeleteStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalReadStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;

/**
 * FHIR capabilities: GET [base]/metadata, the CapabilityStatement of what this server really serves. It is made
 * once, from every R4 resource type HAPI's model knows and from the interactions and operations {@code Routes}
 * declared in {@link Supported}. https://hl7.org/fhir/R4/http.html#capabilities
 */
public final class Capabilities implements Interaction {
  private static final String SOFTWARE = "Brazier";

  private final CapabilityStatement statement;

  /** @param baseUrl the configured base URL, or null when each request derives its own */
  public Capabilities(Fhir fhir, Supported supported, String baseUrl) {
    this.statement = statement(fhir, supported, baseUrl);
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    return FhirResponse.ok(statement);
  }

  private static CapabilityStatement statement(Fhir fhir, Supported supported, String baseUrl) {
    CapabilityStatement statement = new CapabilityStatement();
    statement.setStatus(PublicationStatus.ACTIVE)
        .setDate(new Date())
        .setPublisher(SOFTWARE)
        .setKind(CapabilityStatementKind.INSTANCE)
        .setFhirVersion(FHIRVersion._4_0_1);
    statement.getSoftware().setName(SOFTWARE).setVersion(Capabilities.class.getPackage().getImplementationVersion());
    statement.getImplementation().setDescription("Brazier FHIR R4 server").setUrl(baseUrl);
    for (Format format : Format.values()) {
      statement.addFormat(format.name().toLowerCase(Locale.ROOT));
      statement.addFormat(format.mediaType());
    }
    if (supported.supports(TypeRestfulInteraction.PATCH)) {
      statement.addPatchFormat(Formats.JSON_PATCH);
      for (Format format : Format.values()) {
        statement.addPatchFormat(format.mediaType()); // FHIRPath Patch: a Parameters resource in either format
      }
    }
    CapabilityStatementRestComponent rest = statement.addRest().setMode(RestfulCapabilityMode.SERVER);
    supported.systemInteractions().forEach(code -> rest.addInteraction().setCode(code));
    supported.systemOperations().forEach(operation ->
        rest.addOperation().setName(operation.name()).setDefinition(operation.definition()));
    for (String type : fhir.resourceTypes()) {
      rest.addResource(resource(fhir, supported, type));
    }
    return statement;
  }

  private static CapabilityStatementRestResourceComponent resource(Fhir fhir, Supported supported, String type) {
    CapabilityStatementRestResourceComponent resource = new CapabilityStatementRestResourceComponent()
        .setType(type)
        .setProfile("http://hl7.org/fhir/StructureDefinition/" + type);
    supported.typeInteractions().forEach(code -> resource.addInteraction().setCode(code));
    // The conditional forms and versioning are those of the interactions themselves: see Create, Read, Update, Delete.
    if (supported.supports(TypeRestfulInteraction.UPDATE)) {
      resource.setVersioning(ResourceVersionPolicy.VERSIONEDUPDATE).setUpdateCreate(true).setConditionalUpdate(true);
    }
    resource.setReadHistory(supported.supports(TypeRestfulInteraction.VREAD));
    resource.setConditionalCreate(supported.supports(TypeRestfulInteraction.CREATE));
    if (supported.supports(TypeRestfulInteraction.READ)) {
      resource.setConditionalRead(ConditionalReadStatus.FULLSUPPORT);
    }
    if (supported.supports(TypeRestfulInteraction.DELETE)) {
      resource.setConditionalDelete(ConditionalDeleteStatus.MULTIPLE);
    }
    for (String name : Conditions.PARAMETERS) {
      RuntimeSearchParam param = fhir.definition(type).getSearchParam(name);
      if (param != null) {
        resource.addSearchParam().setName(name).setDefinition(param.getUri())
            .setType(SearchParamType.fromCode(param.getParamType().getCode()))
            .setDocumentation("Accepted in the criteria of conditional create, update and delete.");
      }
    }
    supported.typeOperations().forEach(operation ->
        resource.addOperation().setName(operation.name()).setDefinition(operation.definition()));
    return resource;
  }
}
