package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.MolecularSequence;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

/**
 * Search with the composite parameters of R4, end to end through HTTP: every shape the specification defines (a
 * token with a quantity, token, date or string; a reference with a token; a token with two numbers), each checked by
 * hand against resources made for it, including the values of two different items that must not combine.
 */
class SearchCompositesTest {
  private static final String LOINC = "http://loinc.org";
  private static final String UCUM = "http://unitsofmeasure.org";
  private final IGenericClient client = TestServer.shared().client();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String tag = UUID.randomUUID().toString();

  @Test
  void codeValueQuantityMatchesCodeAndValueWithPrefixesAndUnits() {
    String slow = save(observation("8867-4", 72, "/min"));
    String fast = save(observation("8867-4", 110, "/min"));
    String temperature = save(observation("8310-5", 72, "[degF]"));
    String glucose = save(observation("2345-7", 5.4, "mg"));

    assertThat(find("Observation?code-value-quantity=" + LOINC + "|8867-4$gt100")).containsExactly(fast);
    assertThat(find("Observation?code-value-quantity=8867-4$72|" + UCUM + "|/min")).containsExactly(slow);
    assertThat(find("Observation?code-value-quantity=" + LOINC + "|8310-5$72")).containsExactly(temperature);
    assertThat(find("Observation?code-value-quantity=" + LOINC + "|8867-4$le72,"
        + LOINC + "|8310-5$gt72")).containsExactly(slow);
    assertThat(find("Observation?code-value-quantity=" + LOINC + "|2345-7$0.0054|" + UCUM + "|g"))
        .containsExactly(glucose);
    assertThat(find("Observation?code-value-quantity=" + LOINC + "|2345-7$lt0.005|" + UCUM + "|g")).isEmpty();
  }

  @Test
  void componentCodeValueQuantityTakesCodeAndValueFromTheSameComponent() {
    String normal = save(bloodPressure(120, 80));
    String high = save(bloodPressure(150, 95));

    assertThat(find("Observation?component-code-value-quantity=" + LOINC + "|8480-6$gt140")).containsExactly(high);
    assertThat(find("Observation?component-code-value-quantity=" + LOINC + "|8462-4$lt90|" + UCUM + "|mm[Hg]"))
        .containsExactly(normal);
    assertThat(find("Observation?component-code-value-quantity=8462-4$ge80&component-code-value-quantity=8480-6$le120"))
        .containsExactly(normal);
    assertThat(find("Observation?component-code-value-quantity=" + LOINC + "|8462-4$gt100")).isEmpty();
    assertThat(find("Observation?combo-code-value-quantity=" + LOINC + "|8480-6$150")).containsExactly(high);
  }

  @Test
  void theComboParametersMatchTheValuesOfTheObservationAndOfItsComponents() {
    String pressure = save(bloodPressure(150, 95));
    Observation heartRate = observation("8867-4", 72, "/min");
    heartRate.getCode().getCodingFirstRep().setDisplay("Heart rate");
    String rate = save(heartRate);
    String unfinished = save(observation("8310-5"));

    assertThat(find("Observation?combo-code=" + LOINC + "|8480-6")).containsExactly(pressure);
    assertThat(find("Observation?combo-code=" + LOINC + "|85354-9")).containsExactly(pressure);
    assertThat(find("Observation?combo-code=8867-4,8462-4")).containsExactlyInAnyOrder(pressure, rate);
    assertThat(find("Observation?combo-code:text=heart")).containsExactly(rate);
    assertThat(find("Observation?combo-code:not=8480-6")).containsExactlyInAnyOrder(rate, unfinished);
    assertThat(find("Observation?combo-value-quantity=gt90")).containsExactly(pressure);
    assertThat(find("Observation?combo-value-quantity=72")).containsExactly(rate);
    assertThat(find("Observation?combo-value-quantity:missing=true")).containsExactly(unfinished);
    assertThat(find("Observation?combo-code-value-quantity=" + LOINC + "|8867-4$72")).containsExactly(rate);
    assertThat(find("Observation?combo-code-value-quantity=" + LOINC + "|8462-4$95")).containsExactly(pressure);
    assertThat(find("Observation?combo-code-value-quantity=" + LOINC + "|8480-6$95")).isEmpty();
  }

  @Test
  void codeValueConceptDateAndStringMatchTheirValues() {
    Observation positive = observation("94500-6");
    positive.setValue(new CodeableConcept().addCoding(new Coding("http://snomed.info/sct",
        "10828004", "Positive")));
    String covid = save(positive);
    Observation noted = observation("8251-1");
    noted.setValue(new StringType("Headache since morning"));
    String note = save(noted);
    Observation dated = observation("21112-8");
    dated.setValue(new DateTimeType("1970-05-04"));
    String birth = save(dated);

    assertThat(find("Observation?code-value-concept=94500-6$http://snomed.info/sct|10828004")).containsExactly(covid);
    assertThat(find("Observation?code-value-concept=94500-6$260385009")).isEmpty();
    assertThat(find("Observation?code-value-string=8251-1$headache")).containsExactly(note);
    assertThat(find("Observation?code-value-date=21112-8$lt1971")).containsExactly(birth);
    assertThat(find("Observation?code-value-date=21112-8$gt1971")).isEmpty();
  }

  @Test
  void threePartCoordinatesMatchStartAndEndOfTheSameVariant() {
    String one = save(sequence("1", "NC_000001.11", new long[] {22125500, 22125510}, new long[] {22125600, 22125610}));
    String two = save(sequence("2", "NC_000002.12", new long[] {22125500, 22125510}));

    assertThat(find("MolecularSequence?chromosome-variant-coordinate=1$ge22125500$le22125510")).containsExactly(one);
    assertThat(find("MolecularSequence?chromosome-variant-coordinate=2$ge22125500$le22125510")).containsExactly(two);
    assertThat(find("MolecularSequence?chromosome-variant-coordinate=1$ge22125600$le22125510")).isEmpty();
    assertThat(find("MolecularSequence?chromosome-variant-coordinate=1$22125600$22125610")).containsExactly(one);
    assertThat(find("MolecularSequence?referenceseqid-variant-coordinate=NC_000002.12$lt22125600$lt22125600"))
        .containsExactly(two);
    assertThat(find("MolecularSequence?chromosome-window-coordinate=1$le22125000$ge22126000")).containsExactly(one);
    assertThat(find("MolecularSequence?referenceseqid-window-coordinate=NC_000001.11$gt22125000$ge22126000"))
        .isEmpty();
  }

  @Test
  void aCompositeWithTheWrongNumberOfPartsIsA400() throws Exception {
    for (String query : List.of("MolecularSequence?chromosome-variant-coordinate=1$ge22125500",
        "Observation?code-value-quantity=8867-4$72$73", "MolecularSequence?chromosome-variant-coordinate=1$$5")) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(TestServer.shared().baseUrl() + "/"
          + query.replace("$", "%24").replace("|", "%7C"))).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).as(query).isEqualTo(400);
      assertThat(response.body()).as(query).contains("OperationOutcome");
    }
  }

  @Test
  void relationshipPairsTheRelatedDocumentWithTheKindOfRelation() {
    String old = save(document());
    DocumentReference replacing = document();
    replacing.addRelatesTo().setCode(DocumentReference.DocumentRelationshipType.REPLACES)
        .setTarget(new Reference("DocumentReference/" + old));
    String id = save(replacing);

    assertThat(find("DocumentReference?relationship=DocumentReference/" + old + "$replaces")).containsExactly(id);
    assertThat(find("DocumentReference?relationship=DocumentReference/" + old + "$appends")).isEmpty();
    assertThat(find("DocumentReference?relationship=DocumentReference/" + id + "$replaces")).isEmpty();
  }

  private static DocumentReference document() {
    DocumentReference document = new DocumentReference()
        .setStatus(DocumentReferenceStatus.CURRENT);
    document.addContent().getAttachment().setUrl("http://example.org/doc");
    return document;
  }

  @Test
  void contextAndCharacteristicCompositesMatchUseContextsAndGroupCharacteristics() {
    ValueSet adults = new ValueSet().setUrl("http://example.org/vs/" + tag).setStatus(PublicationStatus.ACTIVE);
    String usage = "http://terminology.hl7.org/CodeSystem/usage-context-type";
    adults.addUseContext().setCode(new Coding(usage, "age", null)).setValue(new Range()
        .setLow((SimpleQuantity) new SimpleQuantity().setValue(18).setSystem(UCUM).setCode("a"))
        .setHigh((SimpleQuantity) new SimpleQuantity().setValue(65).setSystem(UCUM).setCode("a")));
    adults.addUseContext().setCode(new Coding(usage, "focus", null))
        .setValue(new CodeableConcept().addCoding(new Coding("http://snomed.info/sct", "73211009", "Diabetes")));
    String valueSet = save(adults);
    Group women = new Group().setType(Group.GroupType.PERSON).setActual(false);
    women.addCharacteristic().setCode(new CodeableConcept().addCoding(new Coding(
        "http://example.org/characteristic", "gender", null))).setValue(new CodeableConcept().addCoding(
        new Coding("http://hl7.org/fhir/administrative-gender", "female", null))).setExclude(false);
    String group = save(women);

    assertThat(find("ValueSet?context-type-value=focus$http://snomed.info/sct|73211009")).containsExactly(valueSet);
    assertThat(find("ValueSet?context-type-quantity=age$gt60|" + UCUM + "|a")).containsExactly(valueSet);
    assertThat(find("ValueSet?context-type-quantity=age$gt70|" + UCUM + "|a")).isEmpty();
    assertThat(find("Group?characteristic-value=gender$female")).containsExactly(group);
    assertThat(find("Group?characteristic-value=gender$male")).isEmpty();
  }

  private String save(Resource resource) {
    resource.getMeta().addTag("http://brazier.test/tag", tag, null);
    return client.create().resource(resource).execute().getId().getIdPart();
  }

  private List<String> find(String query) {
    Bundle found = client.search().byUrl(query + "&_tag=http://brazier.test/tag|" + tag).returnBundle(Bundle.class)
        .execute();
    return found.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
  }

  private static Observation observation(String code) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem(LOINC).setCode(code);
    return observation;
  }

  private static Observation observation(String code, double value, String unit) {
    Observation observation = observation(code);
    observation.setValue(new Quantity().setValue(BigDecimal.valueOf(value)).setSystem(UCUM).setCode(unit));
    return observation;
  }

  private static Observation bloodPressure(int systolic, int diastolic) {
    Observation observation = observation("85354-9");
    observation.addComponent().setCode(new CodeableConcept().addCoding(new Coding(LOINC,
        "8480-6", null))).setValue(new Quantity().setValue(systolic).setSystem(UCUM).setCode("mm[Hg]"));
    observation.addComponent().setCode(new CodeableConcept().addCoding(new Coding(LOINC,
        "8462-4", null))).setValue(new Quantity().setValue(diastolic).setSystem(UCUM).setCode("mm[Hg]"));
    return observation;
  }

  /** A sequence on one chromosome, its window 22125000-22126000, with variants given as {start, end}. */
  private static MolecularSequence sequence(String chromosome, String referenceSeqId, long[]... variants) {
    MolecularSequence sequence = new MolecularSequence().setType(MolecularSequence.SequenceType.DNA)
        .setCoordinateSystem(0);
    sequence.getReferenceSeq().setChromosome(new CodeableConcept().addCoding(new Coding(
        "http://terminology.hl7.org/CodeSystem/chromosome-human", chromosome, null)))
        .setReferenceSeqId(new CodeableConcept().addCoding(new Coding(
            "http://www.ncbi.nlm.nih.gov/nuccore", referenceSeqId, null)))
        .setWindowStart(22125000).setWindowEnd(22126000);
    for (long[] variant : variants) {
      sequence.addVariant().setStart((int) variant[0]).setEnd((int) variant[1]);
    }
    return sequence;
  }
}
