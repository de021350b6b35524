package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.Http;
import io.brazier.server.ServerConfig;
import io.brazier.server.ServerConfig.MissingReferences;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Placeholders, with {@code --missing-references=placeholder}: a reference that names nothing gets a tagged resource
 * of the referenced type, with the id referenced or the one identifier a conditional reference searched for, and
 * data-absent-reason {@code unknown} on its required elements; what a placeholder cannot stand in for fails its entry
 * (in a transaction, the whole) and writes nothing.
 */
class PlaceholdersTest {
  private static TestServer server;

  private final IGenericClient client = server.client();
  private final Http http = server.http();

  @BeforeAll
  static void start() {
    server = TestServer.onSharedStore(ServerConfig.builder().missingReferences(MissingReferences.PLACEHOLDER).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aConditionalReferenceWithoutASystemGetsAPlaceholderWithTheValueAlone() {
    String value = UUID.randomUUID().toString();

    String reference = performer(create(observation("Practitioner?identifier=" + value)));

    Practitioner placeholder = client.read().resource(Practitioner.class).withUrl(reference).execute();
    assertThat(reference).startsWith("Practitioner/ph-");
    assertThat(placeholder.getIdentifierFirstRep().getValue()).isEqualTo(value);
    assertThat(placeholder.getIdentifierFirstRep().hasSystem()).isFalse();
    assertThat(placeholder.getMeta().getTag(Placeholders.TAG_SYSTEM, Placeholders.TAG_CODE)).isNotNull();
  }

  @Test
  void theSameCriteriaGetTheSamePlaceholderAndOtherCriteriaAnother() {
    String value = UUID.randomUUID().toString();

    String first = performer(create(observation("Practitioner?identifier=urn:a|" + value)));
    String again = performer(create(observation("Practitioner?identifier=urn:a|" + value)));
    String other = performer(create(observation("Practitioner?identifier=urn:b|" + value)));

    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
    assertThat(client.read().resource(Practitioner.class).withUrl(first).execute().getMeta().getVersionId())
        .isEqualTo("1");
  }

  @Test
  void aPlaceholderIsFoundByTheIdentifierItStandsFor() {
    String value = UUID.randomUUID().toString();
    String reference = performer(create(observation("Practitioner?identifier=urn:a|" + value)));

    Bundle found = client.search().byUrl("Practitioner?identifier=urn:a|" + value).returnBundle(Bundle.class)
        .execute();

    assertThat(found.getEntry()).singleElement().satisfies(entry -> assertThat(entry.getResource().getIdElement()
        .toUnqualifiedVersionless().getValue()).isEqualTo(reference));
  }

  @Test
  void aDeletedResourceGetsAPlaceholderAsItsNextVersion() {
    IIdType patient = client.create().resource(new Patient().setActive(true)).execute().getId().toVersionless();
    client.delete().resourceById(patient).execute();

    create(observation(null).setSubject(new Reference(patient.getValue())));

    Patient placeholder = client.read().resource(Patient.class).withId(patient.getIdPart()).execute();
    assertThat(placeholder.getMeta().getVersionId()).isEqualTo("3");
    assertThat(placeholder.hasActive()).isFalse();
    assertThat(placeholder.getMeta().getTag(Placeholders.TAG_SYSTEM, Placeholders.TAG_CODE)).isNotNull();
  }

  @Test
  void aPlaceholderSaysEachElementItsTypeRequiresIsAbsentForAnUnknownReason() {
    String reference = "Encounter/" + UUID.randomUUID();

    create(observation(null).setEncounter(new Reference(reference)));

    Encounter placeholder = client.read().resource(Encounter.class).withUrl(reference).execute();
    assertThat(placeholder.getStatusElement().hasValue()).isFalse();
    assertThat(List.of(placeholder.getStatusElement(), placeholder.getClass_())).allSatisfy(element -> assertThat(
        element.getExtensionByUrl("http://hl7.org/fhir/StructureDefinition/data-absent-reason").getValue()
            .primitiveValue()).isEqualTo("unknown"));
  }

  @Test
  void aResourceThatExistsGetsNoPlaceholder() {
    IIdType patient = client.create().resource(new Patient().setActive(true)).execute().getId().toVersionless();

    create(observation(null).setSubject(new Reference(patient.getValue())));

    Patient stored = client.read().resource(Patient.class).withId(patient.getIdPart()).execute();
    assertThat(stored.getMeta().getVersionId()).isEqualTo("1");
    assertThat(stored.getActive()).isTrue();
  }

  @Test
  void criteriaOtherThanOneIdentifierAreABadRequestThatWritesNothing() {
    String unique = UUID.randomUUID().toString();
    for (String criteria : new String[] {"Practitioner?name=" + unique,
        "Practitioner?identifier=urn:a|" + unique + ",urn:b|" + unique,
        "Practitioner?identifier=urn:a|" + unique + "&name=" + unique}) {
      String body = server.fhir().context().newJsonParser().encodeResourceToString(observation(criteria));

      assertThat(http.refused(400, "POST", "/fhir/Observation", body).getIssueFirstRep().getDiagnostics())
          .as(criteria).contains("placeholder");
    }
  }

  @Test
  void aReferenceNoPlaceholderCanStandInForFailsItsEntryOnlyInABatchAndTheWholeTransaction() {
    String practitioner = "Practitioner/" + UUID.randomUUID();
    String searchParameter = "SearchParameter/" + UUID.randomUUID();
    Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
    batch.addEntry().setResource(provenance(searchParameter)).getRequest()
        .setMethod(Bundle.HTTPVerb.POST).setUrl("Provenance");
    batch.addEntry().setResource(observation(practitioner)).getRequest()
        .setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
    String why = "The reference " + searchParameter + " names no resource on this server, and no placeholder can"
        + " stand in for it: A SearchParameter needs a url to be used for search.";

    Bundle answered = client.transaction().withBundle(batch).execute();

    Bundle.BundleEntryResponseComponent failed = answered.getEntry().get(0).getResponse();
    assertThat(failed.getStatus()).startsWith("422");
    assertThat(((OperationOutcome) failed.getOutcome()).getIssueFirstRep().getDiagnostics()).endsWith(why);
    assertThat(answered.getEntry().get(1).getResponse().getStatus()).startsWith("201");
    assertThat(http.get("/fhir/" + practitioner).status()).as("the placeholder of the entry that passed")
        .isEqualTo(200);

    String other = "Practitioner/" + UUID.randomUUID();
    batch.setType(Bundle.BundleType.TRANSACTION).getEntry().get(1).setResource(observation(other));
    String transaction = server.fhir().context().newJsonParser().encodeResourceToString(batch);
    assertThat(http.refused(422, "POST", "/fhir", transaction).getIssueFirstRep().getDiagnostics()).contains(why);
  }

  private static Provenance provenance(String target) {
    Provenance provenance = new Provenance().addTarget(new Reference(target));
    provenance.getRecordedElement().setValueAsString("2026-12-01T00:00:00Z");
    provenance.addAgent().setWho(new Reference("Practitioner/" + UUID.randomUUID()));
    return provenance;
  }

  private IIdType create(Observation observation) {
    return client.create().resource(observation).execute().getId();
  }

  private String performer(IIdType observation) {
    return client.read().resource(Observation.class).withId(observation.getIdPart()).execute()
        .getPerformerFirstRep().getReference();
  }

  private static Observation observation(String performer) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().setText("heart rate");
    if (performer != null) {
      observation.addPerformer(new Reference(performer));
    }
    return observation;
  }
}
