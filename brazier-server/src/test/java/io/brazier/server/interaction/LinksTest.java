package io.brazier.server.interaction;

import static io.brazier.server.interaction.TransactionTest.add;
import static io.brazier.server.interaction.TransactionTest.observation;
import static io.brazier.server.interaction.TransactionTest.patient;
import static io.brazier.server.interaction.TransactionTest.transaction;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.client.Jackson;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.util.Arrays;
import java.util.UUID;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Narrative.NarrativeStatus;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The references of a transaction: an entry's {@code fullUrl} becomes the {@code Type/id} the entry gets wherever the
 * bundle names it in a reference, an element of type uri (url, canonical...) or a narrative link, and nowhere else;
 * a {@code urn:uuid:} that no entry has names nothing. https://hl7.org/fhir/R4/http.html#trules
 */
class LinksTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final Http http = server.http();

  @Test
  void aStringThatHappensToEqualAFullUrlIsLeftAsItIs() {
    String patientUrl = "urn:uuid:" + UUID.randomUUID();
    Observation observation = observation(new Reference(patientUrl));
    observation.getCode().setText(patientUrl);
    Bundle bundle = transaction();
    add(bundle, patientUrl, patient("Literal"), HTTPVerb.POST, "Patient");
    add(bundle, null, observation, HTTPVerb.POST, "Observation");

    Bundle response = client.transaction().withBundle(bundle).execute();

    Observation stored = read(Observation.class, response.getEntry().get(1));
    assertThat(stored.getSubject().getReference()).isEqualTo(location(response.getEntry().get(0)));
    assertThat(stored.getCode().getText()).isEqualTo(patientUrl);
  }

  @Test
  void anAttachmentUrlIsRewrittenAndItsDataKept() {
    String binaryUrl = "urn:uuid:" + UUID.randomUUID();
    byte[] data = new byte[300_000];
    Arrays.fill(data, (byte) 'x');
    DocumentReference document = new DocumentReference().setStatus(DocumentReferenceStatus.CURRENT);
    document.addContent().setAttachment(new Attachment().setContentType("text/plain").setUrl(binaryUrl));
    document.addContent().setAttachment(new Attachment().setContentType("text/plain").setData(data));
    Bundle bundle = transaction();
    add(bundle, binaryUrl, new Binary().setContentType("text/plain").setData(data),
        HTTPVerb.POST, "Binary");
    add(bundle, null, document, HTTPVerb.POST, "DocumentReference");

    Bundle response = client.transaction().withBundle(bundle).execute();

    DocumentReference stored = read(DocumentReference.class, response.getEntry().get(1));
    assertThat(stored.getContent().get(0).getAttachment().getUrl()).isEqualTo(location(response.getEntry().get(0)));
    assertThat(stored.getContent().get(1).getAttachment().getData()).isEqualTo(data);
  }

  @Test
  void aCanonicalAndAnIdentifierSystemAreUrisAndRewrittenToo() {
    String questionnaireUrl = "urn:uuid:" + UUID.randomUUID();
    QuestionnaireResponse answers = new QuestionnaireResponse()
        .setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED).setQuestionnaire(questionnaireUrl);
    answers.getIdentifier().setSystem(questionnaireUrl).setValue("1");
    Bundle bundle = transaction();
    add(bundle, questionnaireUrl, new Questionnaire().setStatus(PublicationStatus.ACTIVE), HTTPVerb.POST,
        "Questionnaire");
    add(bundle, null, answers, HTTPVerb.POST, "QuestionnaireResponse");

    Bundle response = client.transaction().withBundle(bundle).execute();

    QuestionnaireResponse stored = read(QuestionnaireResponse.class, response.getEntry().get(1));
    assertThat(stored.getQuestionnaire()).isEqualTo(location(response.getEntry().get(0)));
    assertThat(stored.getIdentifier().getSystem()).isEqualTo(location(response.getEntry().get(0)));
  }

  @Test
  void narrativeImagesAreRewrittenAndLinksToNoEntryKept() {
    String patientUrl = "urn:uuid:" + UUID.randomUUID();
    String elsewhere = "urn:uuid:" + UUID.randomUUID();
    Observation observation = observation(new Reference(patientUrl));
    observation.getText().setStatus(NarrativeStatus.GENERATED).setDivAsString(
        "<div xmlns=\"http://www.w3.org/1999/xhtml\"><img src=\"" + patientUrl + "\" alt=\"photo\"/>"
            + "<a href=\"" + elsewhere + "\">elsewhere</a></div>");
    Bundle bundle = transaction();
    add(bundle, patientUrl, patient("Pictured"), HTTPVerb.POST, "Patient");
    add(bundle, null, observation, HTTPVerb.POST, "Observation");

    Bundle response = client.transaction().withBundle(bundle).execute();

    String div = read(Observation.class, response.getEntry().get(1)).getText().getDivAsString();
    assertThat(div).contains("src=\"" + location(response.getEntry().get(0)) + "\"")
        .contains("href=\"" + elsewhere + "\"");
  }

  @Test
  void aUuidThatNoEntryHasIsABadRequestNamingItAndWritesNothing() {
    String nowhere = "urn:uuid:" + UUID.randomUUID();
    Bundle bundle = transaction();
    add(bundle, "urn:uuid:" + UUID.randomUUID(), patient("Kept"), HTTPVerb.POST, "Patient");
    add(bundle, null, observation(new Reference(nowhere)), HTTPVerb.POST, "Observation");
    String body = server.fhir().context().newJsonParser().encodeResourceToString(bundle);

    assertThat(http.refused(400, "POST", "/fhir", body).getIssueFirstRep().getDiagnostics()).contains(nowhere);
  }

  @Test
  void conditionalTypesAreTheTypesThatConditionalReferencesSearch() throws Exception {
    var tree = Jackson.MAPPER.readTree("""
        {"resourceType":"Claim","patient":{"reference":"Patient?identifier=urn:mrn|1"},
         "provider":{"reference":"Organization/1"},
         "careTeam":[{"provider":{"reference":"Practitioner?identifier=urn:npi|2"}}],
         "item":[{"encounter":[{"reference":"Encounter/1?_format=json"},{"reference":"#contained"}]}],
         "text":{"div":"Location?name=x"}}""");

    assertThat(Links.conditionalTypes(tree)).containsExactlyInAnyOrder("Patient", "Practitioner");
  }

  private String location(BundleEntryComponent entry) {
    return new IdType(entry.getResponse().getLocation()).toUnqualifiedVersionless().getValue();
  }

  private <T extends Resource> T read(Class<T> type, BundleEntryComponent entry) {
    return client.read().resource(type).withUrl(new IdType(entry.getResponse().getLocation()).toVersionless())
        .execute();
  }
}
