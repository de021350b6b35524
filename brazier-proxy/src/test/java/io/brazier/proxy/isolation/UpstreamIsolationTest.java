package io.brazier.proxy.isolation;

import static io.brazier.proxy.isolation.TwoPatients.ADMINISTRATOR;
import static io.brazier.proxy.isolation.TwoPatients.FIRST;
import static io.brazier.proxy.isolation.TwoPatients.SECOND;
import static io.brazier.proxy.isolation.TwoPatients.compartment;
import static io.brazier.proxy.isolation.TwoPatients.created;
import static io.brazier.proxy.isolation.TwoPatients.first;
import static io.brazier.proxy.isolation.TwoPatients.get;
import static io.brazier.proxy.isolation.TwoPatients.keys;
import static io.brazier.proxy.isolation.TwoPatients.observation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.proxy.IsolationConfig;
import io.brazier.proxy.ProxyUnderTest;
import io.brazier.proxy.upstream.StubUpstream;
import io.brazier.server.TestServer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The isolation of part 2 through the standalone proxy, in front of a Brazier without authentication (the test
 * JVM's server, on the data {@link TwoPatients} loads): a HAPI client in the first patient's context tries to reach
 * the second patient's data through reads, searches, includes, history, {@code $everything} and writes, and finds
 * none of it. Each path is first shown to reach the second patient's data through the proxy with an
 * Administrator's token, so that the test could fail. What a server that is no Brazier answers in ways Brazier does
 * not on demand ({@link ForeignUpstream}: versions of a resource in different compartments, a search it cannot
 * narrow, pages of others' data) is asked through a proxy of its own.
 */
class UpstreamIsolationTest {
  /** Takes part in the first patient's encounters, not in the second's. */
  private static final String PRACTITIONER = "Practitioner/857f2e4b-8b0f-3e02-8c46-deaad5578619";
  /** What the proxy says on every page that left entries out, or might have. */
  private static final String NOTICE = "Entries that lie outside the patients' data the caller may see are left out"
      + " of this search's pages, and its total is not given, as it would count them.";
  private static ProxyUnderTest proxy;
  private static IGenericClient patient;
  private static IGenericClient administrator;
  private static Set<String> secondsOnly;
  /** In both compartments: the first patient's Observation that the second performed. */
  private static String shared;
  private static String secondsObservation;
  /** What the server that is no Brazier answers: each test adds its own. */
  private static final Map<String, String> foreignAnswers = new ConcurrentHashMap<>();
  private static StubUpstream foreignUpstream;
  private static ProxyUnderTest foreign;
  /** In the context of patient p-mine, through the proxy in front of the server that is no Brazier. */
  private static IGenericClient foreignPatient;

  @BeforeAll
  static void start() {
    TwoPatients.load();
    proxy = ProxyUnderTest.start(TestServer.shared().baseUrl());
    patient = proxy.client(proxy.sign(proxy.claims().subject("patient-" + UUID.randomUUID())
        .claim("patient", FIRST).claim("scope", "patient/*.cruds")));
    administrator = proxy.client(proxy.token("admin-" + UUID.randomUUID(), List.of("Administrator"), null));
    shared = created("Observation", observation(FIRST, "Patient/" + SECOND, "8867-4"));
    secondsOnly = TwoPatients.secondsOnly();
    secondsObservation = first("Observation?subject=Patient/" + SECOND);
    foreignUpstream = ForeignUpstream.start(foreignAnswers);
    foreign = ProxyUnderTest.start(foreignUpstream.baseUrl());
    foreignPatient = foreign.client(foreign.sign(foreign.claims().subject("patient-" + UUID.randomUUID())
        .claim("patient", "p-mine").claim("scope", "patient/*.cruds")));
  }

  @AfterAll
  static void stop() {
    proxy.close();
    foreign.close();
    foreignUpstream.close();
  }

  @Test
  void readsAndVreadsOfTheOtherPatientsDataAreNotFound() {
    assertThat(administrator.read().resource(Patient.class).withId(SECOND).execute()).isNotNull();

    assertThatThrownBy(() -> patient.read().resource(Patient.class).withId(SECOND).execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> patient.read().resource(Observation.class).withId(secondsObservation).execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> patient.read().resource(Observation.class).withIdAndVersion(secondsObservation, "1")
        .execute()).isInstanceOf(ResourceNotFoundException.class);
    assertThat(patient.read().resource(Patient.class).withId(FIRST).execute().getIdPart()).isEqualTo(FIRST);
  }

  @Test
  void aDeletedResourceOfTheOtherPatientIsNotFoundRatherThanGone() {
    String theirs = created("Observation", observation(SECOND, null, "8867-4"));
    String mine = created("Observation", observation(FIRST, null, "8867-4"));
    administrator.delete().resourceById("Observation", theirs).execute();
    administrator.delete().resourceById("Observation", mine).execute();

    assertThatThrownBy(() -> administrator.read().resource(Observation.class).withId(theirs).execute())
        .isInstanceOf(ResourceGoneException.class);
    assertThatThrownBy(() -> patient.read().resource(Observation.class).withId(theirs).execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> patient.read().resource(Observation.class).withId(mine).execute())
        .isInstanceOf(ResourceGoneException.class);
  }

  @Test
  void aSearchIsNarrowedToThePatientSoItsPagesAndTotalAreTrue() {
    int observations = get("/fhir/Patient/" + FIRST + "/Observation?_summary=count", ADMINISTRATOR).getTotal();

    Bundle paged = patient.search().byUrl("Observation?_count=7").returnBundle(Bundle.class).execute();
    Bundle count = patient.search().byUrl("Observation?_summary=count").returnBundle(Bundle.class).execute();

    assertThat(paged.getTotal()).isEqualTo(observations);
    assertThat(count.getTotal()).isEqualTo(observations);
    assertThat(matches(all(patient, paged))).hasSize(observations).isSubsetOf(compartment(FIRST));
    assertThat(administrator.search().byUrl("Observation?_summary=count").returnBundle(Bundle.class).execute()
        .getTotal()).isGreaterThan(observations);
  }

  @Test
  void searchesForTheOtherPatientsDataFindNothing() {
    for (String search : List.of("Observation?subject=Patient/" + SECOND, "Patient?_id=" + SECOND,
        "Encounter?patient=" + SECOND, "Patient/" + SECOND + "/Condition")) {
      assertThat(search(administrator, search).getEntry()).as(search).isNotEmpty();

      Bundle found = search(patient, search);

      assertThat(matches(found)).as(search).isEmpty();
    }
  }

  @Test
  void entriesOutsideAreLeftOutWithAnOutcomeThatSaysSoAndNoTotal() {
    String search = "?_type=Observation,Patient&_count=1000";
    assertThat(keys(search(administrator, search))).containsAnyElementsOf(secondsOnly);

    Bundle found = all(patient, search(patient, search));

    assertThat(keys(found)).contains("Patient/" + FIRST, "Observation/" + shared)
        .doesNotContainAnyElementsOf(secondsOnly);
    assertThat(found.hasTotal()).isFalse();
    assertThat(found.getEntry()).filteredOn(entry -> entry.getSearch().getMode() == SearchEntryMode.OUTCOME)
        .extracting(entry -> entry.getResource().fhirType()).isNotEmpty().containsOnly("OperationOutcome");
  }

  @Test
  void includedResourcesOfTheOtherPatientAreLeftOut() {
    String search = "Observation?_id=" + shared + "&_include=Observation:performer";
    assertThat(keys(search(administrator, search))).contains("Patient/" + SECOND);

    Bundle found = search(patient, search);

    assertThat(keys(found)).containsExactly("Observation/" + shared);
  }

  @Test
  void theIncludesThatDidNotFitAPageArePagedWithOnlyThePatientsOwn() {
    String practitioner = created("Practitioner", "{\"resourceType\":\"Practitioner\"}");
    Set<String> firsts = new HashSet<>();
    for (int k = 0; k < 3; k++) {
      firsts.add("Observation/" + created("Observation", observation(FIRST, "Practitioner/" + practitioner,
          "8867-4")));
      created("Observation", observation(SECOND, "Practitioner/" + practitioner, "8867-4"));
    }
    String search = "Practitioner?_id=" + practitioner + "&_revinclude=Observation:performer&_includesCount=1";
    assertThat(includedAll(administrator, search)).hasSize(6);

    assertThat(includedAll(patient, search)).containsExactlyInAnyOrderElementsOf(firsts);
  }

  @Test
  void theIncludesOperationIsNarrowedToThePatientAsTheSearchItPages() {
    String code = UUID.randomUUID().toString();
    String mine = created("Practitioner", "{\"resourceType\":\"Practitioner\"}");
    String theirs = created("Practitioner", "{\"resourceType\":\"Practitioner\"}");
    created("Observation", observation(FIRST, "Practitioner/" + mine, code));
    created("Observation", observation(SECOND, "Practitioner/" + theirs, code));
    String includes = "Observation/$includes?code=" + code + "&_include=Observation:performer&includesCt=0";
    assertThat(keys(search(administrator, includes))).contains("Practitioner/" + theirs);

    Bundle found = search(patient, includes);

    assertThat(keys(found)).containsExactly("Practitioner/" + mine);
  }

  @Test
  void theIncludesOfACompartmentSearchArePagedWithOnlyThePatientsOwn() {
    String code = UUID.randomUUID().toString();
    Set<String> mine = new HashSet<>();
    Set<String> theirs = new HashSet<>();
    for (int k = 0; k < 3; k++) {
      mine.add(performed(FIRST, code));
      theirs.add(performed(SECOND, code));
    }
    String search = "Observation?code=" + code + "&_include=Observation:performer&_includesCount=1";
    assertThat(includedAll(administrator, "Patient/" + SECOND + "/" + search))
        .containsExactlyInAnyOrderElementsOf(theirs);

    Set<String> inTheCompartment = includedAll(patient, "Patient/" + FIRST + "/" + search);
    Set<String> narrowedToIt = includedAll(patient, search); // sent as the compartment search of the patient

    assertThat(inTheCompartment).containsExactlyInAnyOrderElementsOf(mine);
    assertThat(narrowedToIt).containsExactlyInAnyOrderElementsOf(mine);
  }

  @Test
  void theLinksOfASearchSentAsTheCompartmentSearchNeedOnlyTheRightsOfThatSearch() {
    IGenericClient observations = proxy.client(proxy.sign(proxy.claims().subject("patient-" + UUID.randomUUID())
        .claim("patient", FIRST).claim("scope", "patient/Observation.rs patient/Practitioner.rs")));
    String code = UUID.randomUUID().toString();
    Set<String> mine = new HashSet<>();
    for (int k = 0; k < 3; k++) {
      mine.add(performed(FIRST, code));
      performed(SECOND, code);
    }
    Bundle first = search(observations, "Observation?code=" + code + "&_count=1");
    assertThat(first.getLink("next")).as("a next link").isNotNull();

    Set<String> found = matches(all(observations, first));
    Set<String> included = includedAll(observations, "Observation?code=" + code
        + "&_include=Observation:performer:Practitioner&_includesCount=1");

    assertThat(found).hasSize(3);
    assertThat(included).containsExactlyInAnyOrderElementsOf(mine);
    for (String compartment : List.of(FIRST, SECOND)) { // as asked by path, a compartment search needs Patient read
      assertThatThrownBy(() -> search(observations, "Patient/" + compartment + "/Observation?code=" + code))
          .isInstanceOf(ForbiddenOperationException.class);
    }
  }

  @Test
  void theIncludesOfAnotherPatientsCompartmentSearchHoldNoneOfTheirs() {
    String code = UUID.randomUUID().toString();
    performed(FIRST, code);
    String theirs = performed(SECOND, code);
    String includes = "Patient/" + SECOND + "/Observation/$includes?code=" + code
        + "&_include=Observation:performer&includesCt=0";
    assertThat(keys(search(administrator, includes))).containsExactly(theirs);

    Bundle found = search(patient, includes);

    assertThat(matches(found)).isEmpty();
  }

  @Test
  void theIncludesOfEverythingThatDoNotFitAPageComeOnItsNextPages() {
    String since = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1).toString();
    Set<String> mine = new HashSet<>(Set.of("Patient/" + FIRST));
    for (int k = 0; k < 3; k++) {
      mine.add(performed(FIRST, UUID.randomUUID().toString()));
    }
    String everything = "Patient/" + FIRST + "/$everything?_type=Observation&_includesCount=1&_since=" + since;
    assertThat(included(all(administrator, search(administrator, everything)))).containsAll(mine);

    Bundle found = all(patient, search(patient, everything));

    assertThat(included(found)).containsAll(mine).doesNotHaveDuplicates();
  }

  /** A new Practitioner that performed an Observation of {@code subject} with {@code code}. */
  private static String performed(String subject, String code) {
    String practitioner = "Practitioner/" + created("Practitioner", "{\"resourceType\":\"Practitioner\"}");
    created("Observation", observation(subject, practitioner, code));
    return practitioner;
  }

  /** The resources a search's first page includes and those its link of relation 'related' pages. */
  private static Set<String> includedAll(IGenericClient client, String search) {
    Bundle page = search(client, search);
    Set<String> included = new HashSet<>(included(page));
    assertThat(page.getLink("related")).as("a link to the includes that did not fit").isNotNull();
    Bundle more = all(client, client.loadPage().byUrl(page.getLink("related").getUrl())
        .andReturnBundle(Bundle.class).execute());
    assertThat(more.getEntry()).noneMatch(entry -> entry.getSearch().getMode() == SearchEntryMode.MATCH);
    included.addAll(included(more));
    return included;
  }

  private static List<String> included(Bundle page) {
    return page.getEntry().stream().filter(entry -> entry.getSearch().getMode() == SearchEntryMode.INCLUDE)
        .map(entry -> entry.getResource().fhirType() + "/" + entry.getResource().getIdPart()).toList();
  }

  @Test
  void chainsAndHasAreRefusedAsTheUpstreamWouldMatchByDataOutside() {
    for (String search : List.of("Observation?performer:Patient.family=x",
        "Practitioner?_has:Encounter:participant:patient=Patient/" + SECOND, "Observation?_list=x",
        "Practitioner?_not-referenced=*:*")) {
      assertThatThrownBy(() -> search(patient, search)).as(search)
          .isInstanceOf(ForbiddenOperationException.class);
    }
  }

  @Test
  void historyListsOnlyTheFirstPatientsVersions() {
    Bundle type = patient.history().onType(Observation.class).returnBundle(Bundle.class).count(1000).execute();

    assertThat(keys(type)).doesNotContainAnyElementsOf(secondsOnly);
    assertThatThrownBy(() -> patient.history().onInstance("Observation/" + secondsObservation)
        .returnBundle(Bundle.class).execute()).isInstanceOf(ResourceNotFoundException.class);
    assertThat(administrator.history().onInstance("Observation/" + secondsObservation).returnBundle(Bundle.class)
        .execute().getEntry()).isNotEmpty();
  }

  @Test
  void everythingIsOnlyTheFirstPatientsOwn() {
    Bundle mine = everything(patient, FIRST);

    assertThat(keys(mine)).containsAll(compartment(FIRST)).doesNotContainAnyElementsOf(secondsOnly);
    assertThat(keys(everything(administrator, SECOND))).containsAnyElementsOf(secondsOnly);
    assertThatThrownBy(() -> everything(patient, SECOND)).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void writesStayWithinTheFirstPatientsCompartment() {
    Observation mine = (Observation) patient.create().resource(newObservation(FIRST)).execute().getResource();
    Observation theirs = administrator.read().resource(Observation.class).withId(secondsObservation).execute();

    assertThatThrownBy(() -> patient.create().resource(newObservation(SECOND)).execute())
        .isInstanceOf(ForbiddenOperationException.class);
    assertThatThrownBy(() -> patient.update().resource(mine.setSubject(new Reference("Patient/" + SECOND)))
        .execute()).isInstanceOf(ForbiddenOperationException.class);
    assertThatThrownBy(() -> patient.update().resource(theirs).execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> patient.delete().resourceById("Observation", secondsObservation).execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(administrator.read().resource(Observation.class).withId(secondsObservation).execute()
        .getSubject().getReference()).isEqualTo("Patient/" + SECOND);
    assertThat(administrator.read().resource(Observation.class).withId(mine.getIdPart()).execute()
        .getSubject().getReference()).isEqualTo("Patient/" + FIRST);
  }

  @Test
  void aDeleteOfNoneOrOfAnothersResourceIsTheSame404InFrontOfAServerThatAnswersEveryDelete204() {
    String theirs = "theirs-" + UUID.randomUUID();
    foreignAnswers.put("Observation/" + theirs, ForeignUpstream.observation(theirs, "1", "p-other"));

    assertThatThrownBy(() -> foreignPatient.delete().resourceById("Observation", theirs).execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> foreignPatient.delete().resourceById("Observation", "never-" + UUID.randomUUID())
        .execute()).isInstanceOf(ResourceNotFoundException.class);
  }

  /**
   * A deletion that is not the resource's last version lies where the version it deleted did, as in Brazier, not
   * where the resource went after: one moved from the first patient to the second, deleted, then stored for the
   * first again is the second's at the deletion, to read ({@code _history/3}) or to run an operation on.
   */
  @Test
  void aDeletedVersionLiesWhereTheVersionBeforeItDid() {
    String moved = created("Observation", observation(FIRST, null, "8867-4"));
    administrator.update().resource(newObservation(SECOND).setId(moved)).execute();
    administrator.delete().resourceById("Observation", moved).execute();
    administrator.update().resource(newObservation(FIRST).setId(moved)).execute();
    IGenericClient second = proxy.client(proxy.sign(proxy.claims().subject("patient-" + UUID.randomUUID())
        .claim("patient", SECOND).claim("scope", "patient/*.cruds")));

    assertThatThrownBy(() -> second.read().resource(Observation.class).withIdAndVersion(moved, "3").execute())
        .isInstanceOf(ResourceGoneException.class);
    assertThatThrownBy(() -> meta(second, moved, "3")).isInstanceOf(ResourceGoneException.class);
    assertThatThrownBy(() -> patient.read().resource(Observation.class).withIdAndVersion(moved, "3").execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> meta(patient, moved, "3")).isInstanceOf(ResourceNotFoundException.class);
  }

  /**
   * The server behind answers a delete of a deleted resource 204, as Brazier does, and stores an update of one: for
   * the other patient's, the caller gets the 404 of a resource it does not reach, and nothing is stored. Its own
   * deleted resource it may delete again.
   */
  @Test
  void aDeleteOrUpdateOfTheOtherPatientsDeletedResourceIsNotFound() {
    String theirs = created("Observation", observation(SECOND, null, "8867-4"));
    String mine = created("Observation", observation(FIRST, null, "8867-4"));
    administrator.delete().resourceById("Observation", theirs).execute();
    administrator.delete().resourceById("Observation", mine).execute();
    administrator.delete().resourceById("Observation", theirs).execute();

    assertThatThrownBy(() -> patient.delete().resourceById("Observation", theirs).execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> patient.update().resource(newObservation(FIRST).setId(theirs)).execute())
        .isInstanceOf(ResourceNotFoundException.class);
    patient.delete().resourceById("Observation", mine).execute();
    assertThatThrownBy(() -> administrator.read().resource(Observation.class).withId(theirs).execute())
        .isInstanceOf(ResourceGoneException.class);
  }

  @Test
  void aConditionalCreateMatchesOnlyWithinTheCompartment() {
    String system = "urn:test:" + UUID.randomUUID();
    Observation theirs = newObservation(SECOND);
    theirs.addIdentifier(new Identifier().setSystem(system).setValue("1"));
    String theirId = administrator.create().resource(theirs).execute().getId().getIdPart();
    Observation mine = newObservation(FIRST);
    mine.addIdentifier(new Identifier().setSystem(system).setValue("1"));

    String created = patient.create().resource(mine).conditionalByUrl("Observation?identifier=" + system + "|1")
        .execute().getId().getIdPart();

    assertThat(created).isNotEqualTo(theirId);
    assertThat(administrator.read().resource(Observation.class).withId(created).execute().getSubject()
        .getReference()).isEqualTo("Patient/" + FIRST);
  }

  @Test
  void batchesAndPatchesAreRefused() {
    Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
    batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/" + SECOND);

    assertThatThrownBy(() -> patient.transaction().withBundle(batch).execute())
        .isInstanceOf(ForbiddenOperationException.class);
    assertThatThrownBy(() -> patient.patch().withFhirPatch(new Parameters()).withId("Observation/" + shared)
        .execute()).isInstanceOf(ForbiddenOperationException.class);
  }

  @Test
  void answersComeInTheFormatAndShapeTheCallerAsked() {
    patient.setEncoding(EncodingEnum.XML);
    try {
      Bundle found = patient.search().byUrl("Patient?_elements=gender").returnBundle(Bundle.class).execute();

      assertThat(keys(found)).containsExactly("Patient/" + FIRST);
      Patient shaped = (Patient) found.getEntryFirstRep().getResource();
      assertThat(shaped.hasGender()).isTrue();
      assertThat(shaped.hasName()).isFalse();
    } finally {
      patient.setEncoding(EncodingEnum.JSON);
    }
  }

  @Test
  void aPractitionerSeesThePatientsWhoseEncountersItTakesPartInAndNoOthers() {
    IGenericClient doctor = proxy.client(proxy.sign(proxy.claims().subject("dr-" + UUID.randomUUID())
        .claim("roles", List.of("Practitioner")).claim("scope", "user/*.rs")
        .claim("fhirUser", proxy.baseUrl() + "/" + PRACTITIONER)));

    Set<String> patients = matches(all(doctor, search(doctor, "Patient?_count=100")));
    Set<String> observations = matches(all(doctor, search(doctor, "Observation?_count=1000")));

    assertThat(patients).contains("Patient/" + FIRST).doesNotContain("Patient/" + SECOND);
    assertThat(observations).isNotEmpty().doesNotContainAnyElementsOf(secondsOnly);
    assertThatThrownBy(() -> doctor.read().resource(Patient.class).withId(SECOND).execute())
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void anOptOutHidesThePatientFromThePractitionerItNames() {
    String opted = administrator.create().resource(new Patient().addName(new HumanName().setFamily("Opted")))
        .execute().getId().getIdPart();
    administrator.create().resource(newObservation(opted)).execute();
    administrator.create().resource(newObservation(opted)).execute();
    String untouched = administrator.create().resource(new Patient()).execute().getId().getIdPart();
    String practitioner = administrator.create().resource(new Practitioner()).execute().getId().getIdPart();
    String consent = administrator.create().resource(optOut(opted, "Practitioner/" + practitioner)).execute()
        .getId().getIdPart();
    // A proxy of its own: without change notices from the upstream, a proxy keeps the consents it read for a while.
    try (ProxyUnderTest fresh = ProxyUnderTest.start(TestServer.shared().baseUrl())) {
      IGenericClient named = fresh.client(fresh.sign(fresh.claims().subject("dr-" + UUID.randomUUID())
          .claim("roles", List.of("Reader")).claim("fhirUser", fresh.baseUrl() + "/Practitioner/" + practitioner)));
      IGenericClient other = fresh.client(fresh.token("reader-" + UUID.randomUUID(), List.of("Reader"), null));

      assertThatThrownBy(() -> named.read().resource(Patient.class).withId(opted).execute())
          .isInstanceOf(ResourceNotFoundException.class);
      assertThat(matches(search(named, "Observation?subject=Patient/" + opted))).isEmpty();
      for (String search : List.of("Observation?subject=Patient/%s", "Patient/%s/Observation",
          "Observation?patient=%s&_count=1", "Patient/%s/Observation?_count=1")) {
        assertThat(ProxyUnderTest.shape(search(named, String.format(search, opted))))
            .as("%s: nothing, not even a next link, tells that the patient who opted out has data", search)
            .isEqualTo(ProxyUnderTest.shape(search(named, String.format(search, untouched))));
      }
      assertThat(other.read().resource(Patient.class).withId(opted).execute().getIdPart()).isEqualTo(opted);
      assertThat(matches(search(other, "Observation?subject=Patient/" + opted))).hasSize(2);
    } finally {
      administrator.delete().resourceById("Consent", consent).execute();
    }
  }

  @Test
  void metaOfAVersionIsJudgedByThatVersionNotTheCurrentOne() {
    // Moved out of the caller's compartment in its second version, and another into it.
    Map<String, String> answers = foreignAnswers;
    answers.put("Observation/left", ForeignUpstream.observation("left", "2", "p-other"));
    answers.put("Observation/left/_history/1", ForeignUpstream.observation("left", "1", "p-mine"));
    answers.put("Observation/left/_history/2", ForeignUpstream.observation("left", "2", "p-other"));
    answers.put("Observation/came", ForeignUpstream.observation("came", "2", "p-mine"));
    answers.put("Observation/came/_history/1", ForeignUpstream.observation("came", "1", "p-other"));
    answers.put("Observation/came/_history/2", ForeignUpstream.observation("came", "2", "p-mine"));
    for (String id : List.of("left", "came")) {
      for (String version : List.of("1", "2")) {
        answers.put("Observation/" + id + "/_history/" + version + "/$meta", "{\"resourceType\":\"Parameters\","
            + "\"parameter\":[{\"name\":\"return\",\"valueMeta\":{\"versionId\":\"" + version + "\"}}]}");
      }
    }

    assertThat(meta(foreignPatient, "left", "1").getVersionId()).isEqualTo("1");
    assertThat(meta(foreignPatient, "came", "2").getVersionId()).isEqualTo("2");
    assertThatThrownBy(() -> meta(foreignPatient, "left", "2")).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> meta(foreignPatient, "came", "1")).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void aSearchTheProxyAnswersItselfIsAWholeSearchset() {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    Bundle found = search(foreignPatient, "Patient/p-other/Observation");

    assertThat(foreignUpstream.received()).extracting(StubUpstream.Received::uri)
        .as("a search the upstream cannot narrow to the caller's patient").noneMatch(uri -> uri.contains("p-other"));
    assertThat(found.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(found.getIdElement().getIdPart()).isNotBlank();
    assertThat(found.getMeta().getLastUpdated()).isBetween(Date.from(before), new Date());
    assertThat(found.getLink("self").getUrl()).isEqualTo(foreign.baseUrl() + "/Patient/p-other/Observation");
    assertThat(matches(found)).isEmpty();
  }

  @Test
  void pagesThatLostAllTheyHadAreSkippedAndTheirWarningsKept() {
    String base = foreignUpstream.baseUrl() + "/Observation?code=skipped";
    String warning = "{\"resource\":{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":"
        + "\"warning\",\"code\":\"not-supported\",\"diagnostics\":\"_sort was ignored\"}]},\"search\":"
        + "{\"mode\":\"outcome\"}}";
    foreignAnswers.put("Observation?code=skipped", ForeignUpstream.page(base + "&page=2", warning,
        ForeignUpstream.match("a", "p-other")));
    foreignAnswers.put("Observation?code=skipped&page=2", ForeignUpstream.page(base + "&page=3",
        ForeignUpstream.match("b", "p-other")));
    foreignAnswers.put("Observation?code=skipped&page=3", ForeignUpstream.page(base + "&page=4",
        ForeignUpstream.match("c", "p-mine"), ForeignUpstream.match("d", "p-other")));
    foreignAnswers.put("Observation?code=skipped&page=4", ForeignUpstream.page(null,
        ForeignUpstream.match("e", "p-other")));

    Bundle first = search(foreignPatient, "Observation?code=skipped");
    Bundle last = foreignPatient.loadPage().next(first).execute();

    assertThat(matches(first)).containsExactly("Observation/c");
    assertThat(outcomes(first)).containsExactly("_sort was ignored", NOTICE);
    assertThat(first.getLink("next").getUrl()).startsWith(foreign.baseUrl() + "/");
    assertThat(matches(last)).as("the upstream's last page, all outside").isEmpty();
    assertThat(last.getLink("next")).as("nothing follows it").isNull();
    assertThat(outcomes(last)).containsExactly(NOTICE);
  }

  @Test
  void pagesAreSkippedWithinABoundThenAnEmptyPageSaysMayMoreFollow() {
    String search = "Observation?code=far";
    int pages = UpstreamIsolation.MOST_SKIPPED + 3;
    for (int page = 1; page <= pages; page++) {
      String url = search + (page == 1 ? "" : "&page=" + page);
      String next = page == pages ? null : foreignUpstream.baseUrl() + "/" + search + "&page=" + (page + 1);
      foreignAnswers.put(url, ForeignUpstream.page(next, ForeignUpstream.match("far-" + page,
          page == pages ? "p-mine" : "p-other")));
    }

    Bundle first = search(foreignPatient, search);
    Bundle second = foreignPatient.loadPage().next(first).execute();

    assertThat(matches(first)).isEmpty();
    assertThat(first.getLink("next")).as("more may follow").isNotNull();
    assertThat(matches(second)).containsExactly("Observation/far-" + pages);
    assertThat(second.getLink("next")).isNull();
  }

  /** The diagnostics of the page's outcome entries. */
  private static List<String> outcomes(Bundle page) {
    return page.getEntry().stream().filter(entry -> entry.getSearch().getMode() == SearchEntryMode.OUTCOME)
        .map(entry -> ((OperationOutcome) entry.getResource()).getIssueFirstRep().getDiagnostics()).toList();
  }

  private static Meta meta(IGenericClient client, String id, String version) {
    return (Meta) client.operation().onInstanceVersion(new IdType("Observation", id, version)).named("$meta")
        .withNoParameters(Parameters.class).useHttpGet().execute().getParameterFirstRep().getValue();
  }

  private static Consent optOut(String patientId, String actor) {
    Consent consent = new Consent().setStatus(Consent.ConsentState.ACTIVE).setPatient(new Reference("Patient/"
        + patientId)).setScope(new CodeableConcept().addCoding(new Coding(
            "http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", null)));
    String[] category = IsolationConfig.DEFAULT_CONSENT_CATEGORY.split("\\|");
    consent.addCategory().addCoding(new Coding(category[0], category[1], null));
    consent.getProvision().setType(Consent.ConsentProvisionType.DENY).addActor()
        .setReference(new Reference(actor));
    return consent;
  }

  private static Observation newObservation(String subject) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference("Patient/" + subject));
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    return observation;
  }

  /** A search below the proxy's base ({@code Patient/12/Condition}, {@code ?_type=Patient}), its first page. */
  private static Bundle search(IGenericClient client, String url) {
    return client.search().byUrl(client.getServerBase() + "/" + url).returnBundle(Bundle.class).execute();
  }

  private static Bundle everything(IGenericClient client, String patientId) {
    return all(client, search(client, "Patient/" + patientId + "/$everything?_count=1000"));
  }

  /** The bundle with every page's entries, followed through the proxy with the same client. */
  private static Bundle all(IGenericClient client, Bundle first) {
    Bundle page = first;
    while (page.getLink("next") != null) {
      page = client.loadPage().next(page).execute();
      first.getEntry().addAll(page.getEntry());
    }
    return first;
  }

  /** {@code Type/id} of the bundle's matches. */
  private static Set<String> matches(Bundle bundle) {
    Bundle only = new Bundle();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.getSearch().getMode() != SearchEntryMode.OUTCOME) {
        only.addEntry(entry);
      }
    }
    return keys(only);
  }
}
