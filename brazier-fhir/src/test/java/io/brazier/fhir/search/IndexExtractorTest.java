package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.SearchIndex.NumberEntry;
import io.brazier.fhir.search.SearchIndex.Qualifier;
import io.brazier.fhir.search.SearchIndex.QuantityEntry;
import io.brazier.fhir.search.SearchIndex.ReferenceEntry;
import io.brazier.fhir.search.SearchIndex.StringEntry;
import io.brazier.fhir.search.SearchIndex.TextEntry;
import io.brazier.fhir.search.SearchIndex.TokenEntry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.MolecularSequence;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The search index of whole resources, under the codes of the R4 search parameters. */
class IndexExtractorTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final FhirSearch SEARCH = new FhirSearch(FHIR);
  private static final IndexExtractor EXTRACTOR = SEARCH.extractor();

  @AfterEach
  void withoutStoredParameters() {
    SEARCH.parameters().replaceStored(List.of());
  }

  @Test
  void aPatientIsIndexedUnderEachParameterOfItsType() {
    Patient patient = new Patient().setGender(AdministrativeGender.FEMALE).setActive(true);
    patient.addName().setFamily("Chalmers").addGiven("Peter");
    patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1974-12-25"));
    patient.addIdentifier().setSystem("urn:mrn").setValue("12345");
    patient.setManagingOrganization(new Reference("Organization/1"));

    SearchIndex index = extract(patient);

    assertThat(index.strings()).extracting(StringEntry::param, StringEntry::exact).contains(tuple("name", "Chalmers"),
        tuple("name", "Peter"), tuple("family", "Chalmers"), tuple("given", "Peter"));
    assertThat(index.tokens()).extracting(TokenEntry::param, TokenEntry::system, TokenEntry::code).contains(
        tuple("gender", "http://hl7.org/fhir/administrative-gender", "female"), tuple("active", null, "true"),
        tuple("identifier", "urn:mrn", "12345"));
    assertThat(index.dates()).extracting(SearchIndex.DateEntry::param).containsExactly("birthdate");
    assertThat(index.references()).containsExactly(new ReferenceEntry("organization", "Organization", "1", null,
        null));
  }

  @Test
  void idAndLastUpdatedAreColumnsOfTheResourceNotIndexEntries() {
    Patient patient = new Patient();
    patient.setId("p1");
    patient.getMeta().setLastUpdatedElement(new org.hl7.fhir.r4.model.InstantType("2024-01-01T00:00:00Z"));

    SearchIndex index = extract(patient);

    assertThat(index.tokens()).extracting(TokenEntry::param).doesNotContain("_id");
    assertThat(index.dates()).extracting(SearchIndex.DateEntry::param).doesNotContain("_lastUpdated");
  }

  @Test
  void aCompositeHoldsTheFirstComponentsTokenBesideTheSecondsValueOfTheSameItem() {
    Observation observation = bloodPressure();

    SearchIndex index = extract(observation);

    Qualifier systolic = new Qualifier("http://loinc.org", "8480-6");
    Qualifier diastolic = new Qualifier("http://loinc.org", "8462-4");
    assertThat(index.quantities()).filteredOn(q -> q.param().equals("component-code-value-quantity"))
        .extracting(QuantityEntry::qualifier, QuantityEntry::value)
        .containsExactlyInAnyOrder(tuple(systolic, new BigDecimal(120)), tuple(diastolic, new BigDecimal(80)));
  }

  @Test
  void aParameterWhoseValuesAreThoseOfOthersIsNotIndexedTwice() {
    SearchIndex index = extract(bloodPressure());

    assertThat(index.tokens()).extracting(TokenEntry::param).contains("code", "component-code")
        .doesNotContain("combo-code");
    assertThat(index.strings()).extracting(SearchIndex.StringEntry::param).doesNotContain("combo-code:text");
    assertThat(index.quantities()).extracting(QuantityEntry::param).contains("component-code-value-quantity")
        .doesNotContain("combo-code-value-quantity", "combo-value-quantity");
  }

  @Test
  void aCompositeWithoutItsFirstComponentIndexesNothing() {
    Observation observation = new Observation().setValue(new Quantity(5));

    SearchIndex index = extract(observation);

    assertThat(index.quantities()).extracting(QuantityEntry::param).containsExactly("value-quantity");
  }

  @Test
  void aThreePartCompositeKeepsBothNumbersOfOneItemTogether() {
    MolecularSequence sequence = new MolecularSequence();
    sequence.getReferenceSeq().getChromosome().addCoding().setSystem("http://x.org/chromosome").setCode("1");
    sequence.addVariant().setStart(22125500).setEnd(22125600);

    SearchIndex index = extract(sequence);

    assertThat(index.numbers()).filteredOn(n -> n.param().equals("chromosome-variant-coordinate"))
        .containsExactly(new NumberEntry("chromosome-variant-coordinate", BigDecimal.valueOf(22125500),
            BigDecimal.valueOf(22125600), new Qualifier("http://x.org/chromosome", "1")));
  }

  @Test
  void containedResourcesAreIndexedUnderTheirTypeBesideTheContainersOwnValues() {
    Observation observation = new Observation();
    Patient contained = new Patient();
    contained.setId("#p1");
    contained.addName().setFamily("Inside");
    observation.addContained(contained);
    observation.addContained(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Anonymous")));
    observation.setSubject(new Reference("#p1"));

    SearchIndex index = extract(observation);

    assertThat(index.strings()).extracting(StringEntry::param, StringEntry::exact)
        .contains(tuple(SearchIndex.containedOf("Patient", "family"), "Inside"))
        .doesNotContain(tuple("family", "Inside"));
    assertThat(index.tokens()).filteredOn(t -> t.param().equals(SearchIndex.containedOf("Patient", "_id")))
        .extracting(TokenEntry::code).containsExactlyInAnyOrder("p1", "");
    assertThat(index.references()).as("a contained reference names no resource of the server").isEmpty();
  }

  @Test
  void theNarrativeServesTextAndTheWholeResourceServesContent() {
    Patient patient = new Patient();
    patient.addName().setFamily("Chalmers");
    patient.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString("<div>Allergic to peanuts</div>");
    byte[] json = FHIR.jsonParser().encodeResourceToString(patient).getBytes(StandardCharsets.UTF_8);

    SearchIndex index = EXTRACTOR.extract(patient, json);

    assertThat(index.texts()).extracting(TextEntry::param, TextEntry::words).contains(
        tuple("_text", List.of("allergic", "to", "peanuts")));
    assertThat(index.texts()).filteredOn(t -> t.param().equals("_content")).singleElement()
        .satisfies(content -> assertThat(content.words()).contains("chalmers", "patient"));
  }

  @Test
  void aParameterStoredAfterwardsIsIndexedFromTheNextWriteOn() {
    Patient patient = new Patient();
    patient.addExtension("http://x.org/colour", new StringType("teal"));
    SearchIndex before = extract(patient);

    SEARCH.parameters().replaceStored(List.of(colour()));
    SearchIndex after = extract(patient);

    assertThat(before.strings()).extracting(StringEntry::param).doesNotContain("colour");
    assertThat(after.strings()).extracting(StringEntry::param, StringEntry::exact).contains(tuple("colour", "teal"));
  }

  @Test
  void theIndexOfAStoredResourceIsWhatItsWriteWouldExtract() {
    Observation observation = bloodPressure();
    String json = FHIR.jsonParser().encodeResourceToString(observation);

    SearchIndex fromJson = SEARCH.index(json.getBytes(StandardCharsets.UTF_8));

    assertThat(fromJson).isEqualTo(EXTRACTOR.extract(observation, json.getBytes(StandardCharsets.UTF_8)));
    assertThat(fromJson.size()).isGreaterThan(5);
  }

  private static Observation bloodPressure() {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("85354-9");
    observation.setSubject(new Reference("Patient/1"));
    component(observation, "8480-6", 120);
    component(observation, "8462-4", 80);
    return observation;
  }

  private static void component(Observation observation, String code, int value) {
    Observation.ObservationComponentComponent component = observation.addComponent();
    component.getCode().addCoding().setSystem("http://loinc.org").setCode(code);
    component.setValue(new Quantity().setValue(value).setSystem(Units.UCUM).setCode("mm[Hg]"));
  }

  private static SearchParameter colour() {
    SearchParameter parameter = new SearchParameter();
    parameter.setUrl("http://x.org/sp/colour").setName("colour").setCode("colour")
        .setStatus(PublicationStatus.ACTIVE).setType(SearchParamType.STRING)
        .setExpression("Patient.extension('http://x.org/colour').value").setDescription("colour");
    parameter.addBase("Patient");
    return parameter;
  }

  private static SearchIndex extract(Resource resource) {
    return EXTRACTOR.extract(resource, null);
  }
}
