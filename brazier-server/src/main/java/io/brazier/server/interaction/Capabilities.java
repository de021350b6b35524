package io.brazier.server.interaction;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.search.Compartments;
import io.brazier.fhir.search.ParamType;
import io.brazier.fhir.search.SearchParam;
import io.brazier.fhir.search.SearchParameters;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.http.Formats;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalDeleteStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalReadStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.TerminologyCapabilities;

/**
 * FHIR capabilities: GET [base]/metadata, the CapabilityStatement of what this server really serves; with
 * {@code mode=terminology}, a TerminologyCapabilities of its terminology operations (over the stored CodeSystems,
 * ValueSets and ConceptMaps, which a search lists). Mode {@code normative} is not served: a 400 names the modes that are. It is made
 * from every R4 resource type HAPI's model knows, from the interactions and operations {@code Routes} declared in
 * {@link Supported} and {@link Operations}, and from the search parameters; it is made again whenever those change
 * (a SearchParameter stored on any node), so every node lists the same. https://hl7.org/fhir/R4/http.html#capabilities
 */
public final class Capabilities implements Interaction {
  private static final String SOFTWARE = "Brazier";
  private static final String BULK_DATA = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/";
  private static final String BULK_DATA_SERVER = "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data";

  private final Fhir fhir;
  private final Supported supported;
  private final Operations operations;
  private final SearchParameters parameters;
  private final String baseUrl;
  private volatile Made made;
  private final TerminologyCapabilities terminology;

  /** The statement, and the version of the search parameters it lists. */
  private record Made(long parametersVersion, CapabilityStatement statement) {}

  /** @param baseUrl the configured base URL, or null when each request derives its own */
  public Capabilities(Fhir fhir, Supported supported, Operations operations, SearchParameters parameters,
      String baseUrl) {
    this.fhir = fhir;
    this.supported = supported;
    this.operations = operations;
    this.parameters = parameters;
    this.baseUrl = baseUrl;
    this.made = make();
    this.terminology = terminology(baseUrl);
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    String mode = request.param("mode");
    if ("terminology".equals(mode)) {
      return FhirResponse.ok(terminology);
    }
    if (mode != null && !mode.equals("full")) {
      throw FhirException.badRequest("'" + mode + "' is not a mode of metadata served here: use full (the default,"
          + " the CapabilityStatement) or terminology (the TerminologyCapabilities).");
    }
    Made current = made;
    if (current.parametersVersion() != parameters.version()) {
      current = make();
      made = current;
    }
    return FhirResponse.ok(current.statement());
  }

  /**
   * What $expand, $validate-code and $translate do (see {@code Expand}, {@code ValidateCode}, {@code Translate}):
   * expansions are paged and filtered, a code is validated without translation, and a translation needs no map named.
   */
  private static TerminologyCapabilities terminology(String baseUrl) {
    TerminologyCapabilities statement = new TerminologyCapabilities();
    statement.setStatus(PublicationStatus.ACTIVE).setDate(new Date()).setPublisher(SOFTWARE);
    statement.setKind(TerminologyCapabilities.CapabilityStatementKind.INSTANCE);
    statement.getSoftware().setName(SOFTWARE).setVersion(Capabilities.class.getPackage().getImplementationVersion());
    statement.getImplementation().setDescription("Brazier FHIR R4 server").setUrl(baseUrl);
    statement.getExpansion().setPaging(true)
        .setTextFilter("filter matches codes and displays, ignoring case and accents");
    for (String parameter : List.of("url", "valueSet", "filter", "offset", "count")) {
      statement.getExpansion().addParameter().setName(parameter);
    }
    statement.getValidateCode().setTranslations(false);
    statement.getTranslation().setNeedsMap(false);
    return statement;
  }

  private Made make() {
    long version = parameters.version();
    return new Made(version, statement(fhir, supported, operations, parameters, baseUrl));
  }

  private static CapabilityStatement statement(Fhir fhir, Supported supported, Operations operations,
      SearchParameters parameters, String baseUrl) {
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
    operations.system().forEach(operation -> rest.addOperation().setName(operation.definition().name())
        .setDefinition(operation.definition().url()));
    if (operations.system().stream().anyMatch(operation -> operation.definition().url().startsWith(BULK_DATA))) {
      statement.addInstantiates(BULK_DATA_SERVER); // what Bulk Data clients look for
    }
    if (supported.systemInteractions().contains(SystemRestfulInteraction.SEARCHSYSTEM)) {
      served(parameters, parameters.common()).forEach(param -> rest.addSearchParam(searchParam(param)));
      rest.addSearchParam(filter());
      rest.addSearchParam(list());
      Compartments.TYPES.stream().sorted().forEach(compartment ->
          rest.addCompartment("http://hl7.org/fhir/CompartmentDefinition/" + compartment.toLowerCase(Locale.ROOT)));
    }
    for (String type : fhir.resourceTypes()) {
      rest.addResource(resource(supported, operations, parameters, type));
    }
    return statement;
  }

  private static CapabilityStatementRestResourceComponent resource(Supported supported, Operations operations,
      SearchParameters parameters, String type) {
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
    if (supported.supports(TypeRestfulInteraction.SEARCHTYPE)) {
      for (SearchParam param : served(parameters, parameters.forType(type))) {
        resource.addSearchParam(searchParam(param));
        if (param.type() == ParamType.REFERENCE) {
          resource.addSearchInclude(type + ":" + param.code());
        }
      }
      resource.addSearchParam(filter());
      resource.addSearchParam(list());
      resource.addSearchInclude("*");
      resource.addSearchRevInclude("*");
    }
    operations.forType(type).forEach(operation -> resource.addOperation().setName(operation.definition().name())
        .setDefinition(operation.definition().url()));
    return resource;
  }

  /**
   * The parameters a search takes: not those R4 defines that this server only names in a warning, nor a disabled one
   * ({@code SearchParameter/$status}).
   */
  private static List<SearchParam> served(SearchParameters parameters, Collection<SearchParam> params) {
    return params.stream().filter(param -> !SearchParameters.NOT_SERVED.contains(param.code()))
        .filter(parameters::enabled).toList();
  }

  /** {@code _filter}, which has a page of the specification rather than a SearchParameter. */
  private static CapabilityStatementRestResourceSearchParamComponent filter() {
    return new CapabilityStatementRestResourceSearchParamComponent().setName("_filter")
        .setType(SearchParamType.SPECIAL)
        .setDocumentation("https://hl7.org/fhir/R4/search_filter.html: and, or, not, parentheses, chains and the"
            + " operators eq ne co sw ew gt lt ge le sa eb ap pr po ss sb in ni re, each where its parameter's type"
            + " takes it.");
  }

  /** {@code _list}, which R4 describes in its search page rather than with a SearchParameter. */
  private static CapabilityStatementRestResourceSearchParamComponent list() {
    return new CapabilityStatementRestResourceSearchParamComponent().setName("_list")
        .setType(SearchParamType.SPECIAL)
        .setDocumentation("https://hl7.org/fhir/R4/search.html#list: the resources a List names as entry.item, by"
            + " the List's id; functional lists ($current-problems...) are not kept.");
  }

  /**
   * A parameter as metadata lists it: its definition is served at [base]/SearchParameter/[id] and names the
   * modifiers this server takes, which the documentation repeats.
   */
  private static CapabilityStatementRestResourceSearchParamComponent searchParam(SearchParam param) {
    return new CapabilityStatementRestResourceSearchParamComponent().setName(param.code())
        .setDefinition(param.url()).setType(SearchParamType.fromCode(param.type().code()))
        .setDocumentation("Modifiers: " + (param.modifiers().isEmpty() ? "none" : String.join(", ", param.modifiers()))
            + ".");
  }
}
