package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UrlType;
import org.junit.jupiter.api.Test;

/**
 * {@code _include} and {@code _revinclude}: what a page of matches brings along, each resource once, in mode include;
 * {@code :iterate} follows from what was included, and nothing else does. https://hl7.org/fhir/R4/search.html#include
 */
class SearchIncludesTest {
  private final IGenericClient client = TestServer.shared().client();
  private final String code = UUID.randomUUID().toString();

  @Test
  void aTargetTypeKeepsTheIncludesOfThatTypeOnly() {
    String patient = create(new Patient());
    String group = create(new Group().setType(Group.GroupType.PERSON).setActual(true));
    create(observation(patient));
    create(observation(group));

    Bundle found = search("Observation?code=" + code + "&_include=Observation:subject:Patient");

    assertThat(included(found)).containsExactly(patient);
  }

  @Test
  void aWildcardIncludesEveryReferenceOfTheMatches() {
    String patient = create(new Patient());
    String encounter = create(new Encounter().setStatus(Encounter.EncounterStatus.FINISHED)
        .setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null)));
    Observation observation = observation(patient);
    observation.setEncounter(new Reference(encounter));
    create(observation);

    Bundle found = search("Observation?code=" + code + "&_include=Observation:*");

    assertThat(included(found)).containsExactlyInAnyOrder(patient, encounter);
  }

  @Test
  void aWildcardLeavesOutADisabledParameter() {
    String link = "link-" + code.substring(0, 8);
    String url = "https://example.org/fhir/SearchParameter/" + link;
    create(new SearchParameter().setUrl(url).setName(link).setCode(link).setStatus(PublicationStatus.ACTIVE)
        .setType(SearchParamType.REFERENCE).setExpression("Basic.extension('urn:test:link').value")
        .addBase("Basic"));
    String patient = create(new Patient());
    Basic basic = new Basic();
    basic.getCode().addCoding().setSystem("urn:test").setCode(code);
    basic.addExtension("urn:test:link", new Reference(patient));
    create(basic);
    String search = "Basic?code=" + code + "&_include=Basic:*";
    assertThat(included(search(search))).as("enabled").containsExactly(patient);

    setStatus(url, "Disabled");

    assertThat(included(search(search))).as("disabled").isEmpty();
  }

  @Test
  void aResourceReferencedByManyMatchesIsIncludedOnce() {
    String patient = create(new Patient());
    create(observation(patient));
    create(observation(patient));
    create(observation(patient));

    Bundle found = search("Observation?code=" + code + "&_include=Observation:subject");

    assertThat(matches(found)).hasSize(3);
    assertThat(included(found)).containsExactly(patient);
  }

  @Test
  void aMatchIsNotIncludedAgain() {
    String first = create(observation(null));
    Observation second = observation(null);
    second.addHasMember(new Reference(first));
    create(second);

    Bundle found = search("Observation?code=" + code + "&_include=Observation:has-member");

    assertThat(matches(found)).hasSize(2);
    assertThat(included(found)).isEmpty();
  }

  @Test
  void withoutIterateAnIncludeIsNotFollowedFromIncludedResources() {
    String patient = create(new Patient());
    Observation member = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference(patient));
    member.getCode().setText("no code searched for");
    String memberId = create(member);
    Observation panel = observation(null);
    panel.addHasMember(new Reference(memberId));
    create(panel);

    Bundle once = search("Observation?code=" + code + "&_include=Observation:has-member"
        + "&_include=Observation:subject");
    Bundle iterated = search("Observation?code=" + code + "&_include=Observation:has-member"
        + "&_include:iterate=Observation:subject");

    assertThat(included(once)).containsExactly(memberId);
    assertThat(included(iterated)).containsExactlyInAnyOrder(memberId, patient);
  }

  @Test
  void aRevincludeBringsTheResourcesThatReferToTheMatches() {
    String patient = create(new Patient().addIdentifier(new Identifier().setSystem("urn:test").setValue(code)));
    String observation = create(observation(patient));

    Bundle found = search("Patient?identifier=urn:test|" + code + "&_revinclude=Observation:subject");

    assertThat(matches(found)).containsExactly(patient);
    assertThat(included(found)).containsExactly(observation);
  }

  @Test
  void aDeletedResourceIsNotIncluded() {
    String patient = create(new Patient());
    create(observation(patient));
    client.delete().resourceById(new IdType(patient)).execute();

    Bundle found = search("Observation?code=" + code + "&_include=Observation:subject");

    assertThat(matches(found)).hasSize(1);
    assertThat(included(found)).isEmpty();
  }

  @Test
  void includedResourcesPastTheIncludesCountAreLinkedAsRelatedAndSaidSo() {
    String patient = create(new Patient().addIdentifier(new Identifier().setSystem("urn:test").setValue(code)));
    for (int k = 0; k < 3; k++) {
      create(observation(patient));
    }

    Bundle found = search("Patient?identifier=urn:test|" + code + "&_revinclude=Observation:subject&_includesCount=2");

    assertThat(matches(found)).containsExactly(patient);
    assertThat(included(found)).hasSize(2);
    assertThat(found.getLink("related").getUrl()).contains("/Patient/$includes?").contains("includesCt=");
    assertThat(notes(found)).anyMatch(note -> note.contains("'related'"));
  }

  @Test
  void iteratedIncludesPastTheIncludesCountAreCutWithoutALinkAndSaidSo() {
    String patient = create(new Patient());
    Observation panel = observation(null);
    for (int k = 0; k < 2; k++) {
      Observation member = new Observation().setStatus(Observation.ObservationStatus.FINAL)
          .setSubject(new Reference(patient));
      member.getCode().setText("a member");
      panel.addHasMember(new Reference(create(member)));
    }
    create(panel);

    Bundle found = search("Observation?code=" + code + "&_include=Observation:has-member"
        + "&_include:iterate=Observation:subject&_includesCount=2");

    assertThat(included(found)).hasSize(2).doesNotContain(patient);
    assertThat(found.getLink("related")).isNull();
    assertThat(notes(found)).anyMatch(note -> note.contains(":iterate"));
  }

  @Test
  void theServersMostIncludedResourcesPerPageBoundTheIncludesCount() {
    try (TestServer limited = TestServer.onSharedStore(ServerConfig.builder().maxIncludes(2).build())) {
      IGenericClient client = limited.client();
      String patient = create(new Patient().addIdentifier(new Identifier().setSystem("urn:test").setValue(code)));
      for (int k = 0; k < 3; k++) {
        create(observation(patient));
      }
      String query = "Patient?identifier=urn:test|" + code + "&_revinclude=Observation:subject";

      Bundle standard = client.search().byUrl(query).returnBundle(Bundle.class).execute();
      Bundle asked = client.search().byUrl(query + "&_includesCount=3").returnBundle(Bundle.class).execute();

      assertThat(included(standard)).hasSize(2);
      assertThat(standard.getLink("related")).isNotNull();
      assertThat(included(asked)).hasSize(2);
      assertThat(notes(asked)).anyMatch(note -> note.contains("_includesCount 3"));
    }
  }

  @Test
  void anIncludesCountBelowOneIsABadRequest() {
    assertThatThrownBy(() -> search("Patient?_revinclude=Observation:subject&_includesCount=0"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.getOperationOutcome()).isNotNull());
  }

  private Observation observation(String subject) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem("urn:test").setCode(code);
    if (subject != null) {
      observation.setSubject(new Reference(subject));
    }
    return observation;
  }

  private String create(Resource resource) {
    return client.create().resource(resource).execute().getId().toUnqualifiedVersionless().getValue();
  }

  /** Sets a search parameter's status through {@code SearchParameter/$status}. */
  private void setStatus(String url, String status) {
    Parameters change = new Parameters();
    change.addParameter().setName("searchParameterStatus")
        .addPart(new ParametersParameterComponent().setName("url").setValue(new UrlType(url)))
        .addPart(new ParametersParameterComponent().setName("status").setValue(new StringType(status)));
    client.operation().onType(SearchParameter.class).named("$status").withParameters(change)
        .returnResourceType(Bundle.class).execute();
  }

  private Bundle search(String query) {
    return client.search().byUrl(query).returnBundle(Bundle.class).execute();
  }

  static List<String> notes(Bundle bundle) {
    return bundle.getEntry().stream().filter(entry -> entry.getSearch().getMode() == SearchEntryMode.OUTCOME)
        .flatMap(entry -> ((OperationOutcome) entry.getResource()).getIssue().stream())
        .map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics).toList();
  }

  /** The ids (Type/id) of a page's matches. */
  static List<String> matches(Bundle bundle) {
    return entries(bundle, SearchEntryMode.MATCH);
  }

  /** The ids (Type/id) of a page's included resources. */
  static List<String> included(Bundle bundle) {
    return entries(bundle, SearchEntryMode.INCLUDE);
  }

  private static List<String> entries(Bundle bundle, SearchEntryMode mode) {
    return bundle.getEntry().stream().filter(entry -> entry.getSearch().getMode() == mode)
        .map(BundleEntryComponent::getResource)
        .map(resource -> resource.getIdElement().toUnqualifiedVersionless().getValue()).toList();
  }
}
