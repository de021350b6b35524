package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceOperationComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalDeleteStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalReadStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceInteractionComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.TerminologyCapabilities;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {
  /** How to ask for each interaction a CapabilityStatement may list: method and path below the base. */
  private static final Map<TypeRestfulInteraction, String[]> REQUESTS = Map.of(
      TypeRestfulInteraction.READ, new String[] {"GET", "/Patient/capable"},
      TypeRestfulInteraction.VREAD, new String[] {"GET", "/Patient/capable/_history/1"},
      TypeRestfulInteraction.UPDATE, new String[] {"PUT", "/Patient/capable"},
      TypeRestfulInteraction.PATCH, new String[] {"PATCH", "/Patient/capable"},
      TypeRestfulInteraction.DELETE, new String[] {"DELETE", "/Patient/capable"},
      TypeRestfulInteraction.HISTORYINSTANCE, new String[] {"GET", "/Patient/capable/_history"},
      TypeRestfulInteraction.HISTORYTYPE, new String[] {"GET", "/Patient/_history"},
      TypeRestfulInteraction.CREATE, new String[] {"POST", "/Patient"},
      TypeRestfulInteraction.SEARCHTYPE, new String[] {"GET", "/Patient"});

  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();

  @Test
  void everyR4ResourceTypeIsListedWithTheInteractionsTheServerRoutes() {
    CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(statement.getRestFirstRep().getResource()).extracting(CapabilityStatementRestResourceComponent::getType)
        .containsExactlyElementsOf(server.fhir().resourceTypes());
    assertThat(patient(statement).getInteraction()).extracting(ResourceInteractionComponent::getCode)
        .contains(TypeRestfulInteraction.READ, TypeRestfulInteraction.VREAD, TypeRestfulInteraction.CREATE,
            TypeRestfulInteraction.UPDATE, TypeRestfulInteraction.DELETE);
  }

  @Test
  void noListedInteractionIsAMethodNotAllowed() throws Exception {
    CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();

    for (ResourceInteractionComponent interaction : patient(statement).getInteraction()) {
      String[] request = REQUESTS.get(interaction.getCode());
      assertThat(request).as("a request for %s", interaction.getCode().toCode()).isNotNull();
      assertThat(send(request[0], request[1]).statusCode()).as(interaction.getCode().toCode()).isNotEqualTo(405);
    }
  }

  @Test
  void conditionalInteractionsVersioningAndOperationsAreDeclared() {
    CapabilityStatementRestResourceComponent patient =
        patient(client.capabilities().ofType(CapabilityStatement.class).execute());

    assertThat(patient.getConditionalCreate()).isTrue();
    assertThat(patient.getConditionalRead()).isEqualTo(ConditionalReadStatus.FULLSUPPORT);
    assertThat(patient.getConditionalUpdate()).isTrue();
    assertThat(patient.getConditionalDelete()).isEqualTo(ConditionalDeleteStatus.MULTIPLE);
    assertThat(patient.getUpdateCreate()).isTrue();
    assertThat(patient.getVersioning()).isEqualTo(ResourceVersionPolicy.VERSIONEDUPDATE);
    assertThat(patient.getReadHistory()).isTrue();
    assertThat(patient.getSearchParam()).extracting(param -> param.getName())
        .contains("_id", "_lastUpdated", "identifier", "name", "birthdate", "general-practitioner", "_filter",
            "_list");
    // _filter and _list have a page of the R4 specification but no SearchParameter to point to.
    assertThat(patient.getSearchParam()).filteredOn(param -> !param.getName().matches("_filter|_list"))
        .allSatisfy(param -> assertThat(param.getDefinition()).isNotBlank());
    assertThat(patient.getSearchInclude()).extracting(include -> include.getValue())
        .contains("Patient:organization", "*");
    assertThat(patient.getOperation()).extracting(CapabilityStatementRestResourceOperationComponent::getName)
        .contains("validate", "everything");
  }

  @Test
  void aSystemSearchTakesListAsEveryTypesSearchDoes() {
    CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(statement.getRestFirstRep().getSearchParam()).extracting(param -> param.getName())
        .contains("_id", "_filter", "_list");
  }

  @Test
  void everyListedSearchParameterIsOneASearchTakes() {
    CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();
    Http http = server.http();

    for (CapabilityStatementRestResourceSearchParamComponent param : patient(statement).getSearchParam()) {
      Http.Response response = http.get("/fhir/Patient?" + param.getName() + "=x", "Prefer", "handling=strict");

      // x may be a bad value for the parameter's type, a 400 of its own, but never a parameter the server lacks.
      assertThat(response.body()).as(param.getName()).doesNotContain("is not supported", "is not known");
    }
  }

  @Test
  void everyListedModifierIsOneASearchTakes() {
    CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();
    Http http = server.http();

    searchModifiers(http, "/fhir?", statement.getRestFirstRep().getSearchParam());
    for (String type : List.of("Patient", "Observation", "Location", "ValueSet", "RiskAssessment")) {
      searchModifiers(http, "/fhir/" + type + "?", resource(statement, type).getSearchParam());
    }
  }

  @Test
  void theDefinitionsOfTheCommonParametersNameTheModifiersTheirSearchesTake() {
    SearchParameter id = client.read().resource(SearchParameter.class).withId("Resource-id").execute();
    SearchParameter text = client.read().resource(SearchParameter.class).withId("DomainResource-text").execute();
    CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(id.getModifier()).extracting(modifier -> modifier.getValue().toCode()).containsExactly("missing", "not");
    assertThat(text.getModifier()).isEmpty();
    assertThat(patient(statement).getSearchParam()).filteredOn(param -> param.getName().equals("_text"))
        .singleElement().satisfies(param -> assertThat(param.getDocumentation()).isEqualTo("Modifiers: none."));
  }

  /** Searches with each modifier a statement lists for each parameter (in its documentation, "Modifiers: a, b."). */
  private static void searchModifiers(Http http, String search,
      List<CapabilityStatementRestResourceSearchParamComponent> params) {
    for (CapabilityStatementRestResourceSearchParamComponent param : params) {
      String listed = param.getDocumentation().startsWith("Modifiers: ")
          ? param.getDocumentation().substring("Modifiers: ".length()).replaceFirst("\\.$", "") : "none";
      for (String modifier : listed.equals("none") ? List.<String>of() : List.of(listed.split(", "))) {
        // type stands for a resource type; x may be a bad value for the modifier, a 400 of its own.
        String name = param.getName() + ":" + (modifier.equals("type") ? "Patient" : modifier);
        Http.Response response = http.get(search + name + "=" + (modifier.equals("missing") ? "true" : "x"));

        assertThat(response.body()).as(search + name).doesNotContain("is not supported");
      }
    }
  }

  @Test
  void theStatementNamesFhirR4AndBothFormats() {
    CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(statement.getFhirVersion()).isEqualTo(FHIRVersion._4_0_1);
    assertThat(statement.getFormat()).extracting(CodeType::getValue)
        .contains("json", "xml", "application/fhir+json", "application/fhir+xml");
    assertThat(statement.getSoftware().getName()).isEqualTo("Brazier");
  }

  @Test
  void formatAndElementsWorkAsOnReads() throws Exception {
    HttpResponse<String> xml = send("GET", "/metadata?_format=xml&_elements=fhirVersion");

    assertThat(xml.statusCode()).isEqualTo(200);
    assertThat(xml.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
        .startsWith("application/fhir+xml"));
    assertThat(xml.body()).contains("<fhirVersion value=\"4.0.1\"/>").doesNotContain("<rest>");
  }

  @Test
  void metadataIsAlsoAnsweredAtMetadataWithACapitalM() throws Exception {
    HttpResponse<String> capital = send("GET", "/Metadata");

    assertThat(capital.statusCode()).isEqualTo(200);
    assertThat(capital.body()).contains("\"resourceType\":\"CapabilityStatement\"");
  }

  @Test
  void validateIsListedAtSystemLevel() {
    CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(statement.getRestFirstRep().getOperation()).extracting(operation -> operation.getName())
        .contains("validate");
  }

  @Test
  void theMetaOperationsAreListedWhereTheyAreInvoked() {
    CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(statement.getRestFirstRep().getOperation())
        .extracting(CapabilityStatementRestResourceOperationComponent::getName).contains("meta")
        .doesNotContain("meta-add", "meta-delete");
    assertThat(patient(statement).getOperation())
        .extracting(CapabilityStatementRestResourceOperationComponent::getName)
        .contains("meta", "meta-add", "meta-delete");
  }

  @Test
  void modeTerminologyAnswersATerminologyCapabilitiesAndAnotherModeIsABadRequest() throws Exception {
    TerminologyCapabilities terminology = client.fetchResourceFromUrl(TerminologyCapabilities.class,
        server.baseUrl() + "/metadata?mode=terminology");
    HttpResponse<String> full = send("GET", "/metadata?mode=full");
    HttpResponse<String> normative = send("GET", "/metadata?mode=normative");

    assertThat(terminology.getKind()).isEqualTo(TerminologyCapabilities.CapabilityStatementKind.INSTANCE);
    assertThat(terminology.getStatus()).isEqualTo(PublicationStatus.ACTIVE);
    assertThat(terminology.hasDate()).isTrue();
    assertThat(terminology.getExpansion().getPaging()).isTrue();
    assertThat(terminology.getTranslation().getNeedsMap()).isFalse();
    assertThat(full.body()).contains("\"resourceType\":\"CapabilityStatement\"");
    assertThat(normative.statusCode()).isEqualTo(400);
    assertThat(normative.body()).contains("OperationOutcome").contains("full").contains("terminology");
  }

  @Test
  void metadataIsReadOnly() throws Exception {
    assertThat(send("HEAD", "/metadata").statusCode()).isEqualTo(200);
    assertThat(send("POST", "/metadata").statusCode()).isEqualTo(405);
  }

  private static CapabilityStatementRestResourceComponent patient(CapabilityStatement statement) {
    return resource(statement, "Patient");
  }

  private static CapabilityStatementRestResourceComponent resource(CapabilityStatement statement, String type) {
    return statement.getRestFirstRep().getResource().stream()
        .filter(resource -> resource.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
    boolean hasBody = method.equals("POST") || method.equals("PUT");
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
        .header("Content-Type", "application/fhir+json")
        .method(method, hasBody ? BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"id\":\"capable\"}")
            : BodyPublishers.noBody())
        .build();
    return HttpClient.newHttpClient().send(request, BodyHandlers.ofString());
  }
}
