package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceCategory;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceCriticality;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceSeverity;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceOperationComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointUse;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Encounter.EncounterStatus;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName.NameUse;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Immunization.ImmunizationStatus;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Procedure.ProcedureStatus;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Quantity.QuantityComparator;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

/**
 * $convert-data of HL7 v2 messages (written for these tests, in src/test/resources/v2) to batch Bundles, as
 * Microsoft's FHIR server answers it, with the fields of the v2-to-FHIR mapping; bad input is a 400 saying what to
 * fix.
 */
class ConvertDataTest {
  private static final String LOINC = "http://loinc.org";
  private static final String UCUM = "http://unitsofmeasure.org";
  private static final TestServer server = TestServer.shared();

  @Test
  void anAdtA01ConvertsToABatchOfPutsOfThePatientTheirVisitAndItsDoctor() {
    Bundle bundle = convert("adt-a01.hl7", "ADT_A01");

    assertThat(bundle.getType()).isEqualTo(BundleType.BATCH);
    assertThat(bundle.getIdentifier().getValue()).isEqualTo("ADT-0001");
    for (BundleEntryComponent entry : bundle.getEntry()) {
      Resource resource = entry.getResource();
      assertThat(entry.getRequest().getMethod()).isEqualTo(HTTPVerb.PUT);
      assertThat(entry.getRequest().getUrl()).isEqualTo(resource.fhirType() + "/" + resource.getIdPart());
      assertThat(entry.getFullUrl()).isEqualTo(server.baseUrl() + "/" + entry.getRequest().getUrl());
    }
    Patient patient = only(bundle, Patient.class);
    assertThat(patient.getIdentifier()).extracting(identifier -> identifier.getValue(),
        identifier -> identifier.getType().getCodingFirstRep().getCode(), identifier -> identifier.getSystem())
        .containsExactly(tuple("900117", "MR", null),
            tuple("332-71-0042", "SS", "http://hl7.org/fhir/sid/us-ssn"));
    assertThat(patient.getIdentifierFirstRep().getAssigner().getDisplay()).isEqualTo("NORTHSIDE");
    assertThat(patient.getName()).hasSize(2);
    assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("Marlowe");
    assertThat(patient.getNameFirstRep().getGiven()).extracting(Object::toString).containsExactly("Juniper", "Quinn");
    assertThat(patient.getNameFirstRep().getPrefixAsSingleString()).isEqualTo("Ms.");
    assertThat(patient.getNameFirstRep().getUse()).isEqualTo(NameUse.OFFICIAL);
    assertThat(patient.getName().get(1).getUse()).isEqualTo(NameUse.MAIDEN);
    assertThat(patient.getGender()).isEqualTo(AdministrativeGender.FEMALE);
    assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1987-04-22");
    assertThat(patient.getAddressFirstRep().getLine()).extracting(Object::toString)
        .containsExactly("48 Larkspur Lane", "Apt 3");
    assertThat(patient.getAddressFirstRep().getCity()).isEqualTo("Fairhaven");
    assertThat(patient.getAddressFirstRep().getState()).isEqualTo("MA");
    assertThat(patient.getAddressFirstRep().getPostalCode()).isEqualTo("02719");
    assertThat(patient.getAddressFirstRep().getUse().toCode()).isEqualTo("home");
    assertThat(patient.getTelecom()).extracting(point -> point.getSystem(), point -> point.getValue(),
        point -> point.getUse()).containsExactly(
            tuple(ContactPointSystem.PHONE, "(508) 5550142", ContactPointUse.HOME),
            tuple(ContactPointSystem.EMAIL, "juniper.m@example.org",
                ContactPointUse.HOME),
            tuple(ContactPointSystem.PHONE, "(508) 5550199", ContactPointUse.WORK));
    assertCoding(patient.getMaritalStatus(), "http://terminology.hl7.org/CodeSystem/v2-0002", "M");
    assertThat(patient.getCommunicationFirstRep().getLanguage().getCodingFirstRep().getCode()).isEqualTo("en");
    assertThat(patient.getContactFirstRep().getName().getFamily()).isEqualTo("Marlowe");
    assertCoding(patient.getContactFirstRep().getRelationshipFirstRep(),
        "http://terminology.hl7.org/CodeSystem/v2-0063", "SPO");

    Encounter encounter = only(bundle, Encounter.class);
    assertThat(encounter.getSubject().getReference()).isEqualTo("Patient/" + patient.getIdPart());
    assertThat(encounter.getClass_().getCode()).isEqualTo("IMP");
    assertThat(encounter.getStatus()).isEqualTo(EncounterStatus.INPROGRESS);
    assertThat(encounter.getPeriod().getStartElement().getValueAsString()).isEqualTo("2026-12-07T09:00:00-05:00");
    assertThat(encounter.getIdentifierFirstRep().getValue()).isEqualTo("V-55021");
    assertThat(encounter.getLocationFirstRep().getLocation().getDisplay()).isEqualTo("4W, 412, B, NORTHSIDE");
    assertThat(encounter.getHospitalization().getAdmitSource().getCodingFirstRep().getCode()).isEqualTo("7");
    Practitioner doctor = only(bundle, Practitioner.class);
    assertThat(encounter.getParticipantFirstRep().getIndividual().getReference())
        .isEqualTo("Practitioner/" + doctor.getIdPart());
    assertThat(encounter.getParticipantFirstRep().getTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo("ATND");
    assertThat(doctor.getIdentifierFirstRep().getValue()).isEqualTo("7781");
    assertThat(doctor.getNameFirstRep().getNameAsSingleString()).isEqualTo("Dr Chidi Okafor");
  }

  @Test
  void anAdtA01ConvertsEachAl1ToAnAllergyOfThePatient() {
    Bundle bundle = convert("adt-a01.hl7", "ADT_A01");

    List<AllergyIntolerance> allergies = all(bundle, AllergyIntolerance.class);
    assertThat(allergies).hasSize(2);
    AllergyIntolerance penicillin = allergies.get(0);
    assertThat(penicillin.getPatient().getReference()).isEqualTo("Patient/" + only(bundle, Patient.class).getIdPart());
    assertCoding(penicillin.getCode(), "http://www.nlm.nih.gov/research/umls/rxnorm", "7980");
    assertThat(penicillin.getCategory()).extracting(category -> category.getValue())
        .containsExactly(AllergyIntoleranceCategory.MEDICATION);
    assertThat(penicillin.getCriticality()).isEqualTo(AllergyIntoleranceCriticality.HIGH);
    assertCoding(penicillin.getClinicalStatus(),
        "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active");
    assertThat(penicillin.getReaction()).extracting(reaction -> reaction.getManifestationFirstRep().getText(),
        reaction -> reaction.getSeverity()).containsExactly(tuple("Hives", AllergyIntoleranceSeverity.SEVERE),
            tuple("Wheezing", AllergyIntoleranceSeverity.SEVERE));
    assertThat(penicillin.getOnsetDateTimeType().getValueAsString()).isEqualTo("2019-03-12");
    AllergyIntolerance peanuts = allergies.get(1);
    assertThat(peanuts.getCode().getText()).isEqualTo("Peanuts");
    assertThat(peanuts.getCategory()).extracting(category -> category.getValue())
        .containsExactly(AllergyIntoleranceCategory.FOOD);
    assertThat(peanuts.hasCriticality()).isFalse();
    assertThat(peanuts.getReactionFirstRep().getManifestationFirstRep().getText()).isEqualTo("Itching");
    assertThat(peanuts.getReactionFirstRep().hasSeverity()).isFalse();
  }

  @Test
  void anAdtA01ConvertsEachDg1ToADiagnosisOfTheVisit() {
    Bundle bundle = convert("adt-a01.hl7", "ADT_A01");

    List<Condition> diagnoses = all(bundle, Condition.class);
    assertThat(diagnoses).hasSize(2);
    Condition hypertension = diagnoses.get(0);
    assertThat(hypertension.getSubject().getReference())
        .isEqualTo("Patient/" + only(bundle, Patient.class).getIdPart());
    assertThat(hypertension.getEncounter().getReference())
        .isEqualTo("Encounter/" + only(bundle, Encounter.class).getIdPart());
    assertCoding(hypertension.getCode(), "http://hl7.org/fhir/sid/icd-10", "I10");
    assertCoding(hypertension.getCategoryFirstRep(), "http://terminology.hl7.org/CodeSystem/condition-category",
        "encounter-diagnosis");
    assertThat(hypertension.getRecordedDateElement().getValueAsString()).isEqualTo("2026-12-07T09:15:00-05:00");
    assertThat(hypertension.getAsserter().getReference())
        .isEqualTo("Practitioner/" + only(bundle, Practitioner.class).getIdPart());
    assertThat(hypertension.getIdentifierFirstRep().getValue()).isEqualTo("DX-3301");
    Condition diabetes = diagnoses.get(1);
    assertCoding(diabetes.getCode(), "http://hl7.org/fhir/sid/icd-10", "E11.9");
    // No DG1-5: when it was attested, DG1-19.
    assertThat(diabetes.getRecordedDateElement().getValueAsString()).isEqualTo("2026-12-07T09:30:00-05:00");
    assertThat(diabetes.hasAsserter()).isFalse();
    assertThat(diabetes.hasIdentifier()).isFalse();
  }

  @Test
  void anAdtA01ConvertsEachPr1ToAProcedureOfTheVisit() {
    Bundle bundle = convert("adt-a01.hl7", "ADT_A01");

    List<Procedure> procedures = all(bundle, Procedure.class);
    assertThat(procedures).hasSize(2);
    Procedure appendectomy = procedures.get(0);
    assertThat(appendectomy.getSubject().getReference())
        .isEqualTo("Patient/" + only(bundle, Patient.class).getIdPart());
    assertThat(appendectomy.getEncounter().getReference())
        .isEqualTo("Encounter/" + only(bundle, Encounter.class).getIdPart());
    assertCoding(appendectomy.getCode(), "http://www.ama-assn.org/go/cpt", "44950");
    assertThat(appendectomy.getStatus()).isEqualTo(ProcedureStatus.COMPLETED);
    assertThat(appendectomy.getPerformedDateTimeType().getValueAsString()).isEqualTo("2026-12-07T11:00:00-05:00");
    assertThat(appendectomy.getPerformerFirstRep().getActor().getReference())
        .isEqualTo("Practitioner/" + only(bundle, Practitioner.class).getIdPart());
    assertThat(appendectomy.getIdentifierFirstRep().getValue()).isEqualTo("PROC-88");
    assertThat(appendectomy.getIdentifierFirstRep().getAssigner().getDisplay()).isEqualTo("NORTHSIDE");
    Procedure resection = procedures.get(1);
    assertThat(resection.getCode().getCodingFirstRep().getCode()).isEqualTo("0DTJ4ZZ");
    assertThat(resection.getPerformedDateTimeType().getValueAsString()).isEqualTo("2026-12-07T11:30:00-05:00");
    assertThat(resection.hasPerformer()).isFalse();
    assertThat(resection.getIdPart()).isNotEqualTo(appendectomy.getIdPart());
  }

  @Test
  void anOruR01ConvertsEachObrToAReportOfTheObservationsAfterIt() {
    Bundle bundle = convert("oru-r01.hl7", "ORU_R01");

    List<DiagnosticReport> reports = all(bundle, DiagnosticReport.class);
    List<Observation> observations = all(bundle, Observation.class);
    assertThat(reports).hasSize(2);
    assertThat(observations).hasSize(5);
    DiagnosticReport panel = reports.get(0);
    assertCoding(panel.getCode(), LOINC, "24323-8");
    assertThat(panel.getStatus()).isEqualTo(DiagnosticReport.DiagnosticReportStatus.FINAL);
    assertThat(panel.getIdentifier()).extracting(identifier -> identifier.getValue(),
        identifier -> identifier.getType().getCodingFirstRep().getCode())
        .containsExactly(tuple("PL-881", "PLAC"),
            tuple("FL-4410", "FILL"));
    assertThat(panel.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2026-12-07T08:00:00-05:00");
    assertThat(panel.getResult()).extracting(Reference::getReference).containsExactlyElementsOf(
        observations.subList(0, 4).stream().map(observation -> "Observation/" + observation.getIdPart()).toList());
    assertThat(reports.get(1).getStatus()).isEqualTo(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY);
    assertThat(reports.get(1).getResult()).hasSize(1);

    Observation glucose = observations.get(0);
    assertCoding(glucose.getCode(), LOINC, "2345-7");
    assertThat(glucose.getStatus()).isEqualTo(ObservationStatus.FINAL);
    Quantity value = glucose.getValueQuantity();
    assertThat(value.getValue()).isEqualByComparingTo(new BigDecimal("5.9"));
    assertThat(value.getCode()).isEqualTo("mmol/L");
    assertThat(value.getSystem()).isEqualTo(UCUM);
    assertThat(value.getUnit()).isEqualTo("millimole per liter");
    assertThat(glucose.getReferenceRangeFirstRep().getText()).isEqualTo("3.9-5.5");
    assertThat(glucose.getInterpretationFirstRep().getCodingFirstRep().getCode()).isEqualTo("H");
    assertThat(glucose.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2026-12-07T08:10:00-05:00");
    assertThat(glucose.getSubject().getReference()).isEqualTo("Patient/" + only(bundle, Patient.class).getIdPart());
    assertThat(glucose.getEncounter().getReference())
        .isEqualTo("Encounter/" + only(bundle, Encounter.class).getIdPart());

    Observation comment = observations.get(1);
    assertThat(comment.getValueStringType().getValue()).isEqualTo("Slightly hemolyzed & redrawn");
    assertThat(comment.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2026-12-07T08:00:00-05:00");
    Observation color = observations.get(2);
    assertThat(color.getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("YEL");
    assertThat(color.getValueCodeableConcept().getCodingFirstRep().getDisplay()).isEqualTo("Yellow");
    assertThat(color.getStatus()).isEqualTo(ObservationStatus.PRELIMINARY);
    Quantity creatinine = observations.get(3).getValueQuantity();
    assertThat(creatinine.getComparator()).isEqualTo(QuantityComparator.LESS_THAN);
    assertThat(creatinine.getValue()).isEqualByComparingTo(new BigDecimal("0.5"));
    assertThat(creatinine.getCode()).isEqualTo("mg/dL");
  }

  @Test
  void aVxuV04ConvertsEachRxaToAnImmunization() {
    Bundle bundle = convert("vxu-v04.hl7", "VXU_V04");

    List<Immunization> immunizations = all(bundle, Immunization.class);
    assertThat(immunizations).hasSize(2);
    Immunization hepB = immunizations.get(0);
    assertCoding(hepB.getVaccineCode(), "http://hl7.org/fhir/sid/cvx", "08");
    assertThat(hepB.getStatus()).isEqualTo(ImmunizationStatus.COMPLETED);
    // No offset in RXA-3: MSH-7's.
    assertThat(hepB.getOccurrenceDateTimeType().getValueAsString()).isEqualTo("2026-11-30T10:00:00+01:00");
    assertThat(hepB.getDoseQuantity().getValue()).isEqualByComparingTo(new BigDecimal("0.5"));
    assertThat(hepB.getDoseQuantity().getCode()).isEqualTo("mL");
    assertThat(hepB.getLotNumber()).isEqualTo("LOT-7Q2");
    assertThat(hepB.getExpirationDateElement().getValueAsString()).isEqualTo("2027-10-31");
    assertThat(hepB.getManufacturer().getIdentifier().getValue()).isEqualTo("MSD");
    assertThat(hepB.getManufacturer().getIdentifier().getSystem()).isEqualTo("http://hl7.org/fhir/sid/mvx");
    assertThat(hepB.getPrimarySource()).isTrue();
    assertThat(hepB.getRoute().getCodingFirstRep().getCode()).isEqualTo("C28161");
    assertThat(hepB.getSite().getCodingFirstRep().getCode()).isEqualTo("LT");
    assertThat(hepB.getPerformerFirstRep().getActor().getReference())
        .isEqualTo("Practitioner/" + only(bundle, Practitioner.class).getIdPart());
    assertThat(hepB.getPatient().getReference()).isEqualTo("Patient/" + only(bundle, Patient.class).getIdPart());
    Immunization historical = immunizations.get(1);
    assertThat(historical.getPrimarySource()).isFalse();
    assertThat(historical.getReportOrigin().getCodingFirstRep().getCode()).isEqualTo("01");
    assertThat(historical.hasDoseQuantity()).isFalse(); // 999: amount unknown
    assertThat(historical.getOccurrenceDateTimeType().getValueAsString()).isEqualTo("2025-09-15");
  }

  @Test
  void anOmlO21ConvertsEachOrcWithItsObrToAServiceRequest() {
    Bundle bundle = convert("oml-o21.hl7", "OML_O21");

    List<ServiceRequest> orders = all(bundle, ServiceRequest.class);
    assertThat(orders).hasSize(2);
    ServiceRequest cholesterol = orders.get(0);
    assertCoding(cholesterol.getCode(), LOINC, "2093-3");
    assertThat(cholesterol.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
    assertThat(cholesterol.getIntent()).isEqualTo(ServiceRequest.ServiceRequestIntent.ORDER);
    assertThat(cholesterol.getIdentifierFirstRep().getValue()).isEqualTo("ORD-501");
    assertThat(cholesterol.getIdentifierFirstRep().getType().getCodingFirstRep().getCode()).isEqualTo("PLAC");
    assertThat(cholesterol.getAuthoredOnElement().getValueAsString()).isEqualTo("2026-12-05T16:05:00-08:00");
    assertThat(cholesterol.getRequester().getReference())
        .isEqualTo("Practitioner/" + only(bundle, Practitioner.class).getIdPart());
    assertCoding(cholesterol.getReasonCodeFirstRep(), "http://hl7.org/fhir/sid/icd-10", "E78.5");
    assertThat(cholesterol.getSubject().getReference())
        .isEqualTo("Patient/" + only(bundle, Patient.class).getIdPart());
    assertThat(cholesterol.getEncounter().getReference())
        .isEqualTo("Encounter/" + only(bundle, Encounter.class).getIdPart());
    ServiceRequest cancelled = orders.get(1);
    assertCoding(cancelled.getCode(), LOINC, "4548-4");
    assertThat(cancelled.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
    assertThat(cancelled.getIdentifier()).extracting(identifier -> identifier.getValue()).containsExactly("ORD-502",
        "F-9001");
  }

  @Test
  void aMessageConvertsToTheSameIdsEachTimeAndAPatientToTheSameIdInEachMessage() {
    Bundle first = convert("oru-r01.hl7", "ORU_R01");
    Bundle again = convert("oru-r01.hl7", "ORU_R01");

    assertThat(ids(again)).isEqualTo(ids(first)).doesNotHaveDuplicates();
    assertThat(only(convert("adt-a01.hl7", "ADT_A01"), Patient.class).getIdPart())
        .isEqualTo(only(first, Patient.class).getIdPart());
    assertThat(only(convert("vxu-v04.hl7", "VXU_V04"), Patient.class).getIdPart())
        .isNotEqualTo(only(first, Patient.class).getIdPart());
  }

  @Test
  void theConvertedBundleLoadsIntoTheServerAndLoadingItAgainUpdatesTheSameResources() {
    Bundle bundle = convert("oru-r01.hl7", "ORU_R01");

    Bundle loaded = client().transaction().withBundle(bundle).execute();
    Bundle reloaded = client().transaction().withBundle(bundle).execute();

    assertThat(loaded.getEntry()).allSatisfy(entry -> assertThat(entry.getResponse().getStatus()).startsWith("20"));
    assertThat(reloaded.getEntry()).allSatisfy(entry -> assertThat(entry.getResponse().getStatus()).startsWith("200"));
    Observation glucose = all(bundle, Observation.class).get(0);
    Observation stored = client().read().resource(Observation.class).withId(glucose.getIdPart()).execute();
    assertThat(stored.getValueQuantity().getValue()).isEqualByComparingTo(new BigDecimal("5.9"));
  }

  @Test
  void messagesWrittenWithNewlinesConvertAsWithCarriageReturns() {
    String message = resource("adt-a01.hl7").replace('\r', '\n');

    Bundle bundle = (Bundle) client().operation().onServer().named("$convert-data")
        .withParameters(parameters(message, "Hl7v2", "ADT_A01", "microsofthealth/fhirconverter:default"))
        .returnResourceType(Bundle.class).execute();

    assertThat(ids(bundle)).isEqualTo(ids(convert("adt-a01.hl7", "ADT_A01")));
  }

  @Test
  void anStu3ResourceConvertsToR4() {
    String stu3 = "{\"resourceType\":\"Observation\",\"id\":\"weight-1\",\"status\":\"final\","
        + "\"code\":{\"text\":\"Body weight\"},\"context\":{\"reference\":\"Encounter/e-1\"},"
        + "\"valueQuantity\":{\"value\":71.5,\"unit\":\"kg\"}}";

    Observation observation = (Observation) client().operation().onServer().named("$convert-data")
        .withParameters(parameters(stu3, "Fhir", "Observation", "microsofthealth/stu3tor4templates:default"))
        .returnResourceType(Observation.class).execute();

    assertThat(observation.getIdPart()).isEqualTo("weight-1");
    assertThat(observation.getEncounter().getReference()).isEqualTo("Encounter/e-1"); // STU3's context
    assertThat(observation.getValueQuantity().getValue()).isEqualByComparingTo(new BigDecimal("71.5"));
    assertThat(observation.getStatus()).isEqualTo(ObservationStatus.FINAL);
  }

  @Test
  void stu3InputThatIsNotAnStu3ResourceIsA400() {
    String patient = "{\"resourceType\":\"Patient\",\"gender\":\"female\"}";
    assertRefused(parameters("{\"resourceType\":", "Fhir", "Patient", null), "not an STU3 resource");
    assertRefused(parameters("{\"resourceType\":\"Spaceship\"}", "Fhir", "Spaceship", null), "not an STU3 resource");
    assertRefused(parameters(patient, "Fhir", "Observation", null), "rootTemplate Observation");
    assertRefused(parameters(patient, "Fhir", "Patient", "microsofthealth/hl7v2templates:default"),
        "holds no templates for Fhir");
  }

  @Test
  void badInputIsA400ThatSaysWhatToFix() {
    String adt = resource("adt-a01.hl7");
    assertRefused(parameters("PID|1||900117", "Hl7v2", "ADT_A01", null), "must begin with an MSH segment");
    assertRefused(parameters("{\"resourceType\":\"Patient\"}", "Hl7v2", "ADT_A01", null), "MSH");
    assertRefused(parameters("MSH|^~\\&|A|B\rEVN|A01", "Hl7v2", "ADT_A01", null), "no PID segment");
    assertRefused(parameters(adt, "Hl7v2", "ADT_A04", null), "ADT_A01, ORU_R01, VXU_V04");
    assertRefused(parameters(adt, "Hl7v3", "ADT_A01", null), "inputDataType Hl7v3 is not known");
    assertRefused(parameters(adt, "Hl7v2", "ADT_A01", "myregistry.azurecr.io/templates:v1"),
        "custom template registries are not supported");
    assertRefused(parameters(adt, "Hl7v2", "ADT_A01", "microsofthealth/ccdatemplates:default"),
        "holds no templates for Hl7v2");
    assertRefused(parameters("<ClinicalDocument/>", "Ccda", "CCD", null), "Ccda is not supported yet");
    assertRefused(parameters("{}", "Json", "ExamplePatient", null), "Json is not supported yet");
    assertRefused(parameters(null, "Hl7v2", "ADT_A01", null), "needs inputData");
    assertRefused(parameters(adt, "Hl7v2", null, null), "needs rootTemplate");
    assertRefused(parameters(adt, "Hl7v2", "ADT_A01", null).addParameter("outputType", "Bundle"),
        "no parameter outputType");
    String badNumber = resource("oru-r01.hl7").replace("|5.9|", "|five|");
    assertRefused(parameters(badNumber, "Hl7v2", "ORU_R01", null), "'five'");
    String badDate = resource("adt-a01.hl7").replace("19870422", "19871342");
    assertRefused(parameters(badDate, "Hl7v2", "ADT_A01", null), "PID-7");
    server.http().refused(405, "GET", "/fhir/$convert-data", (byte[]) null);
  }

  @Test
  void theCapabilityStatementListsItAtSystemLevel() {
    CapabilityStatement statement = client().capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(statement.getRestFirstRep().getOperation())
        .extracting(CapabilityStatementRestResourceOperationComponent::getName).contains("convert-data");
  }

  private static Bundle convert(String message, String template) {
    return (Bundle) client().operation().onServer().named("$convert-data")
        .withParameters(parameters(resource(message), "Hl7v2", template, "microsofthealth/hl7v2templates:default"))
        .returnResourceType(Bundle.class).execute();
  }

  private static Parameters parameters(String data, String type, String template, String templates) {
    Parameters parameters = new Parameters();
    if (data != null) {
      parameters.addParameter("inputData", data);
    }
    parameters.addParameter("inputDataType", type);
    if (template != null) {
      parameters.addParameter("rootTemplate", template);
    }
    if (templates != null) {
      parameters.addParameter("templateCollectionReference", templates);
    }
    return parameters;
  }

  private static void assertRefused(Parameters parameters, String message) {
    OperationOutcome outcome = server.http().refused(400, "POST", "/fhir/$convert-data",
        server.fhir().jsonParser().encodeResourceToString(parameters));
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains(message);
  }

  private static void assertCoding(CodeableConcept concept, String system, String code) {
    assertThat(concept.getCodingFirstRep().getSystem()).isEqualTo(system);
    assertThat(concept.getCodingFirstRep().getCode()).isEqualTo(code);
  }

  private static List<String> ids(Bundle bundle) {
    return bundle.getEntry().stream().map(entry -> entry.getRequest().getUrl()).toList();
  }

  private static <T extends Resource> List<T> all(Bundle bundle, Class<T> type) {
    return bundle.getEntry().stream().map(BundleEntryComponent::getResource).filter(type::isInstance)
        .map(type::cast).toList();
  }

  private static <T extends Resource> T only(Bundle bundle, Class<T> type) {
    List<T> resources = all(bundle, type);
    assertThat(resources).hasSize(1);
    return resources.get(0);
  }

  private static String resource(String name) {
    try (InputStream in = ConvertDataTest.class.getResourceAsStream("/v2/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static IGenericClient client() {
    return server.client();
  }
}
