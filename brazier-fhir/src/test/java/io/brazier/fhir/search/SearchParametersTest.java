package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SearchParametersTest {
  private static final Fhir FHIR = new Fhir(false);
  // Reading the specification's definitions takes seconds: the tests share one registry, emptied of stored ones.
  private static final SearchParameters PARAMETERS = new SearchParameters(FHIR, new FhirPath(FHIR));

  @BeforeEach
  void withoutStoredParameters() {
    PARAMETERS.replaceStored(List.of());
    PARAMETERS.disable(Set.of());
  }

  @Test
  void aCheckRefusesWhatCannotBeSearchedAndRegistersNothing() {
    SearchParameter good = parameter("http://x/sp/colour", "colour", "Patient.extension('http://x/c').value");
    long version = PARAMETERS.version();

    PARAMETERS.check(good);

    assertThat(PARAMETERS.get("Patient", "colour")).isEmpty();
    assertThat(PARAMETERS.version()).isEqualTo(version);
    assertThatThrownBy(() -> PARAMETERS.check(parameter("http://x/sp/bad", "bad", "Patient.name.where(")))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(422));
  }

  @Test
  void theStoredParametersApplyBesidesTheSpecificationsAndOnlyThey() {
    PARAMETERS.replaceStored(List.of(parameter("http://x/sp/colour", "colour", "Patient.extension('http://x/c').value"),
        parameter("http://x/sp/shade", "shade", "Patient.extension('http://x/s').value")));

    PARAMETERS.replaceStored(List.of(parameter("http://x/sp/shade", "shade", "Patient.extension('http://x/s').value")));

    assertThat(PARAMETERS.get("Patient", "colour")).isEmpty();
    assertThat(PARAMETERS.get("Patient", "shade")).isPresent();
    assertThat(PARAMETERS.get("Patient", "name")).isPresent();
  }

  @Test
  void aLaterDefinitionOfAUrlWinsAndARetiredOneRemovesIt() {
    SearchParameter first = parameter("http://x/sp/colour", "colour", "Patient.extension('http://x/c').value");
    SearchParameter second = parameter("http://x/sp/colour", "colour", "Patient.extension('http://x/c2').value");
    SearchParameter retired = parameter("http://x/sp/colour", "colour", "Patient.extension('http://x/c').value");
    retired.setStatus(PublicationStatus.RETIRED);

    PARAMETERS.replaceStored(List.of(first, second));
    String replaced = PARAMETERS.get("Patient", "colour").orElseThrow().expression();
    PARAMETERS.replaceStored(List.of(first, second, retired));

    assertThat(replaced).contains("c2");
    assertThat(PARAMETERS.get("Patient", "colour")).isEmpty();
  }

  @Test
  void anUnusableStoredDefinitionIsReportedAndTheOthersApply() {
    SearchParameter unknownComponent = parameter("http://x/sp/pair", "pair", "Patient");
    unknownComponent.setType(SearchParamType.COMPOSITE).addComponent().setDefinition("http://x/sp/nowhere")
        .setExpression("gender");

    Map<String, String> unusable = PARAMETERS.replaceStored(List.of(unknownComponent,
        parameter("http://x/sp/colour", "colour", "Patient.extension('http://x/c').value")));

    assertThat(unusable).containsOnlyKeys("http://x/sp/pair");
    assertThat(PARAMETERS.unsupported()).containsOnlyKeys("http://x/sp/pair");
    assertThat(PARAMETERS.get("Patient", "colour")).isPresent();
  }

  @Test
  void aDisabledParameterIsUnknownToSearchesButStillIndexedAndStaysDisabledAcrossReplacements() {
    String gender = "http://hl7.org/fhir/SearchParameter/individual-gender";
    long version = PARAMETERS.version();

    PARAMETERS.disable(Set.of(gender));
    PARAMETERS.replaceStored(List.of(parameter("http://x/sp/colour", "colour",
        "Patient.extension('http://x/c').value")));

    assertThat(PARAMETERS.version()).as("caches rebuild").isGreaterThan(version);
    assertThat(PARAMETERS.get("Patient", "gender")).isEmpty();
    assertThat(PARAMETERS.get("Person", "gender")).isEmpty();
    assertThat(PARAMETERS.forType("Patient")).extracting(SearchParam::code).contains("gender");
    assertThat(PARAMETERS.enabled(PARAMETERS.byUrl(gender).orElseThrow())).isFalse();

    PARAMETERS.disable(Set.of());

    assertThat(PARAMETERS.get("Patient", "gender")).isPresent();
  }

  @Test
  void replacingWithTheSameDefinitionsKeepsTheVersionSoCompiledCachesStay() {
    List<SearchParameter> stored = List.of(parameter("http://x/sp/colour", "colour",
        "Patient.extension('http://x/c').value"));
    long empty = PARAMETERS.version();
    PARAMETERS.replaceStored(stored);
    long version = PARAMETERS.version();

    PARAMETERS.replaceStored(stored);

    assertThat(version).isGreaterThan(empty);
    assertThat(PARAMETERS.version()).isEqualTo(version);
  }

  @Test
  void aStoredDefinitionOfABuiltInUrlReplacesItUntilItIsNoLongerStored() {
    String url = "http://hl7.org/fhir/SearchParameter/individual-gender";
    String builtIn = PARAMETERS.get("Patient", "gender").orElseThrow().expression();

    PARAMETERS.replaceStored(List.of(parameter(url, "gender", "Patient.extension('http://x/g').value")));
    String replaced = PARAMETERS.get("Patient", "gender").orElseThrow().expression();
    PARAMETERS.replaceStored(List.of());

    assertThat(replaced).contains("http://x/g");
    assertThat(PARAMETERS.get("Patient", "gender").orElseThrow().expression()).isEqualTo(builtIn);
  }

  @Test
  void theTypesThatTakeDomainResourcesParametersAreThoseHapisModelMakesDomainResources() {
    for (String type : FHIR.resourceTypes()) {
      boolean domain = DomainResource.class.isAssignableFrom(FHIR.definition(type).getImplementingClass());

      assertThat(SearchParameters.NOT_DOMAIN_RESOURCES.contains(type)).as(type).isEqualTo(!domain);
      assertThat(PARAMETERS.get(type, "_text").isPresent()).as(type).isEqualTo(domain);
    }
  }

  @Test
  void aTypeHasItsOwnParametersAndTheCommonOnesAndNoOthers() {
    assertThat(PARAMETERS.get("Patient", "name")).hasValueSatisfying(name -> {
      assertThat(name.type()).isEqualTo(ParamType.STRING);
      assertThat(name.base()).isEqualTo("Patient");
    });
    assertThat(PARAMETERS.get("Patient", "_id")).isPresent();
    assertThat(PARAMETERS.get("Patient", "code")).as("an Observation's").isEmpty();
  }

  @Test
  void aTypesParametersAreListedByCodeWithTheCommonOnesAndSystemSearchHasOnlyTheCommonOnes() {
    List<String> patient = PARAMETERS.forType("Patient").stream().map(SearchParam::code).toList();
    List<String> common = PARAMETERS.common().stream().map(SearchParam::code).toList();

    assertThat(patient).contains("_id", "_lastUpdated", "_text", "birthdate", "name").doesNotHaveDuplicates()
        .isSorted();
    assertThat(common).contains("_id", "_lastUpdated", "_tag", "_profile").doesNotContain("_text", "name")
        .isSorted();
  }

  @Test
  void aCompositeIsSearchedWhenItIsATokenOrReferenceAndOneValueOrATokenAndTwoNumbers() {
    SearchParam codeValue = PARAMETERS.get("Observation", "code-value-quantity").orElseThrow();
    SearchParam coordinate = PARAMETERS.get("MolecularSequence", "chromosome-variant-coordinate").orElseThrow();

    assertThat(PARAMETERS.compositeTypes(codeValue)).contains(List.of(ParamType.TOKEN, ParamType.QUANTITY));
    assertThat(PARAMETERS.compositeTypes(coordinate))
        .contains(List.of(ParamType.TOKEN, ParamType.NUMBER, ParamType.NUMBER));
  }

  @Test
  void aCompositeOfAnotherShapeOrAnUnknownComponentIsNotSearched() {
    String quantityUrl = PARAMETERS.get("Observation", "value-quantity").orElseThrow().url();
    String codeUrl = PARAMETERS.get("Observation", "code").orElseThrow().url();
    SearchParam quantityFirst = composite(new SearchParam.Component(quantityUrl, "value"),
        new SearchParam.Component(codeUrl, "code"));
    SearchParam unknown = composite(new SearchParam.Component(codeUrl, "code"),
        new SearchParam.Component("http://x/sp/nothing", "value"));

    assertThat(PARAMETERS.compositeTypes(quantityFirst)).isEmpty();
    assertThat(PARAMETERS.compositeTypes(unknown)).isEmpty();
  }

  @Test
  void aBuiltInDefinitionIsServedByItsSpecificationId() {
    assertThat(PARAMETERS.builtIn("Observation-category")).hasValueSatisfying(definition ->
        assertThat(definition.getUrl()).isEqualTo("http://hl7.org/fhir/SearchParameter/Observation-category"));
    assertThat(PARAMETERS.builtIn("Observation-colour")).isEmpty();
  }

  private static SearchParam composite(SearchParam.Component... components) {
    return new SearchParam("http://x/sp/composite", "composite", "Observation", ParamType.COMPOSITE, "Observation",
        List.of(), List.of(components));
  }

  @Test
  void aUnionIsAnsweredByTheRowsOfItsPartsWithTheSameSuffixAndContainedPrefix() {
    assertThat(PARAMETERS.hasOwnRows("Observation", "combo-code")).isFalse();
    assertThat(PARAMETERS.hasOwnRows("Observation", "code")).isTrue();
    assertThat(PARAMETERS.rowCodes("Observation", "combo-code:text"))
        .containsExactlyInAnyOrder("code:text", "component-code:text");
    assertThat(PARAMETERS.rowCodes("DiagnosticReport", "contained:Observation:combo-code"))
        .containsExactlyInAnyOrder("contained:Observation:code", "contained:Observation:component-code");
    assertThat(PARAMETERS.rowCodes("Observation", "code:text")).containsExactly("code:text");
    assertThat(PARAMETERS.rowCodes("Patient", "contained:Observation")).containsExactly("contained:Observation");
  }

  @Test
  void aStoredDefinitionThatChangesAPartEndsTheUnionAndOneThatIsAUnionMakesOne() {
    SearchParameter code = parameter("http://x/sp/code", "code", "Observation.code.coding");
    code.getBase().clear();
    code.addBase("Observation");
    SearchParameter colours = parameter("http://x/sp/colours", "colours", "Patient.maritalStatus | Patient.language");
    SearchParameter language = parameter("http://x/sp/language", "lang", "Patient.language");
    SearchParameter marital = parameter("http://x/sp/marital", "marital", "Patient.maritalStatus");

    PARAMETERS.replaceStored(List.of(code, colours, language, marital));

    assertThat(PARAMETERS.hasOwnRows("Observation", "combo-code")).isTrue();
    assertThat(PARAMETERS.rowCodes("Patient", "colours")).containsExactlyInAnyOrder("lang", "marital");
    PARAMETERS.replaceStored(List.of());
    assertThat(PARAMETERS.hasOwnRows("Observation", "combo-code")).isFalse();
    assertThat(PARAMETERS.rowCodes("Patient", "colours")).containsExactly("colours");
  }

  private static SearchParameter parameter(String url, String code, String expression) {
    SearchParameter parameter = new SearchParameter();
    parameter.setUrl(url).setName(code).setCode(code).setStatus(PublicationStatus.ACTIVE)
        .setType(SearchParamType.TOKEN).setExpression(expression).setDescription("test parameter");
    parameter.addBase("Patient");
    return parameter;
  }
}
