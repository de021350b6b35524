package io.brazier.proxy.isolation;

import static io.brazier.proxy.isolation.TwoPatients.ADMINISTRATOR;
import static io.brazier.proxy.isolation.TwoPatients.FIRST;
import static io.brazier.proxy.isolation.TwoPatients.HTTP;
import static io.brazier.proxy.isolation.TwoPatients.SECOND;
import static io.brazier.proxy.isolation.TwoPatients.compartment;
import static io.brazier.proxy.isolation.TwoPatients.created;
import static io.brazier.proxy.isolation.TwoPatients.first;
import static io.brazier.proxy.isolation.TwoPatients.get;
import static io.brazier.proxy.isolation.TwoPatients.keys;
import static io.brazier.proxy.isolation.TwoPatients.observation;
import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Http;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A token in the first patient's context tries every read path to the second patient's data, and finds none of it:
 * not in reads and vreads (404, as for what does not exist), searches, counts and totals, compartments, includes,
 * chains, {@code _has}, {@code _list}, history at every level or {@code $everything}. Each path is first shown to
 * reach the second patient's data with an Administrator's token, so that the test could fail.
 */
class IsolationTest {
  private static final String PATIENT = TwoPatients.patientToken(FIRST, "patient/*.rs");
  private static Set<String> secondsOnly;
  /** In both compartments: the first patient's Observation that the second performed. */
  private static String shared;
  private static String secondsObservation;
  private static String secondsFamily;

  @BeforeAll
  static void load() {
    TwoPatients.load();
    shared = created("Observation", observation(FIRST, "Patient/" + SECOND, "8867-4"));
    secondsOnly = TwoPatients.secondsOnly();
    secondsObservation = first("Observation?subject=Patient/" + SECOND);
    Patient second = (Patient) get("/fhir/Patient?_id=" + SECOND, ADMINISTRATOR).getEntryFirstRep().getResource();
    secondsFamily = second.getNameFirstRep().getFamily();
  }

  @Test
  void readsAndVreadsOfTheOtherPatientsDataAreNotFoundAsIfItDidNotExist() {
    for (String path : List.of("Patient/" + SECOND, "Observation/" + secondsObservation,
        "Observation/" + secondsObservation + "/_history/1")) {
      assertThat(HTTP.get("/fhir/" + path, "Authorization", ADMINISTRATOR).status()).isEqualTo(200);

      OperationOutcome outside = HTTP.refused(404, "GET", "/fhir/" + path, (byte[]) null, "Authorization", PATIENT);
      OperationOutcome nothing = HTTP.refused(404, "GET", "/fhir/" + path.replace(path.split("/")[1], "no-such"),
          (byte[]) null, "Authorization", PATIENT);

      assertThat(outside.getIssueFirstRep().getDiagnostics().replace(path.split("/")[1], "ID"))
          .isEqualTo(nothing.getIssueFirstRep().getDiagnostics().replace("no-such", "ID"));
    }
    assertThat(HTTP.get("/fhir/Patient/" + FIRST, "Authorization", PATIENT).status()).isEqualTo(200);
  }

  @Test
  void validatingTheOtherPatientsStoredDataIsNotFoundAsIfItDidNotExist() {
    for (String mode : List.of("", "?mode=delete")) {
      String path = "/fhir/Observation/" + secondsObservation + "/$validate" + mode;
      assertThat(HTTP.get(path, "Authorization", ADMINISTRATOR).status()).isEqualTo(200);

      OperationOutcome outside = HTTP.refused(404, "GET", path, (byte[]) null, "Authorization", PATIENT);
      OperationOutcome nothing = HTTP.refused(404, "GET", path.replace(secondsObservation, "no-such"), (byte[]) null,
          "Authorization", PATIENT);

      assertThat(outside.getIssueFirstRep().getDiagnostics().replace(secondsObservation, "ID"))
          .isEqualTo(nothing.getIssueFirstRep().getDiagnostics().replace("no-such", "ID"));
    }
    String own = first("Observation?subject=Patient/" + FIRST);
    assertThat(HTTP.get("/fhir/Observation/" + own + "/$validate", "Authorization", PATIENT).status())
        .isEqualTo(200);
  }

  @Test
  void aDeletedResourceOfTheOtherPatientIsNotFoundRatherThanGone() {
    String deleted = created("Observation", observation(SECOND, null, "8867-4"));
    assertThat(HTTP.send("DELETE", "/fhir/Observation/" + deleted, null, "Authorization", ADMINISTRATOR).status())
        .isEqualTo(204);
    String mine = created("Observation", observation(FIRST, null, "8867-4"));
    HTTP.send("DELETE", "/fhir/Observation/" + mine, null, "Authorization", ADMINISTRATOR);

    assertThat(HTTP.get("/fhir/Observation/" + deleted, "Authorization", ADMINISTRATOR).status()).isEqualTo(410);
    assertThat(HTTP.get("/fhir/Observation/" + deleted, "Authorization", PATIENT).status()).isEqualTo(404);
    assertThat(HTTP.get("/fhir/Observation/" + mine, "Authorization", PATIENT).status()).isEqualTo(410);
  }

  @Test
  void searchesCountAndPageOnlyTheFirstPatientsData() {
    int observations = get("/fhir/Patient/" + FIRST + "/Observation?_summary=count", ADMINISTRATOR).getTotal();

    Bundle all = get("/fhir/Observation?_count=50", PATIENT);
    Bundle count = get("/fhir/Observation?_summary=count", PATIENT);
    Bundle estimate = get("/fhir/Observation?_summary=count&_total=estimate", PATIENT);
    Bundle paged = get("/fhir/Observation?_count=7", PATIENT);

    assertThat(all.getTotal()).isEqualTo(observations).isEqualTo(keys(all).size());
    assertThat(count.getTotal()).isEqualTo(observations);
    assertThat(estimate.getTotal()).isEqualTo(observations);
    assertThat(paged.getTotal()).isEqualTo(observations);
    assertThat(keys(paged)).hasSize(observations).containsExactlyInAnyOrderElementsOf(keys(all));
    assertThat(compartment(FIRST)).containsAll(keys(all));
    assertThat(get("/fhir/Observation?_summary=count", ADMINISTRATOR).getTotal()).isGreaterThan(observations);
  }

  @Test
  void searchesForTheOtherPatientsDataFindNothing() {
    for (String search : List.of("Observation?subject=Patient/" + SECOND, "Patient?_id=" + SECOND,
        "Patient?family=" + secondsFamily, "Encounter?patient=" + SECOND, "Patient/" + SECOND + "/Condition",
        "Patient/" + SECOND + "/Encounter", "?_type=Observation,Encounter,Patient&_id=" + secondsObservation)) {
      assertThat(get("/fhir/" + search, ADMINISTRATOR).getTotal()).as(search).isPositive();

      Bundle found = get("/fhir/" + search, PATIENT);
      Bundle counted = get("/fhir/" + search + (search.contains("?") ? "&" : "?") + "_summary=count", PATIENT);

      assertThat(found.getTotal()).as(search).isZero();
      assertThat(keys(found)).as(search).isEmpty();
      assertThat(counted.getTotal()).as(search).isZero();
    }
  }

  @Test
  void aSystemSearchOfEveryTypeHoldsNoneOfTheOtherPatientsData() {
    Bundle everything = get("/fhir?_count=1000", PATIENT);

    assertThat(keys(everything)).doesNotContainAnyElementsOf(secondsOnly).contains("Patient/" + FIRST)
        .contains("Observation/" + shared);
    assertThat(keys(get("/fhir?_count=1000", ADMINISTRATOR))).containsAnyElementsOf(secondsOnly);
  }

  @Test
  void includedResourcesOfTheOtherPatientAreLeftOut() {
    Encounter encounter = (Encounter) get("/fhir/Encounter?patient=" + SECOND + "&_count=1", ADMINISTRATOR)
        .getEntryFirstRep().getResource();
    String practitioner = encounter.getParticipantFirstRep().getIndividual().getReference();
    for (String search : List.of("Observation?_id=" + shared + "&_include=Observation:performer",
        "Observation?_id=" + shared + "&_include=*",
        practitioner.replace("/", "?_id=") + "&_revinclude=Encounter:participant",
        practitioner.replace("/", "?_id=") + "&_revinclude=*")) {
      assertThat(keys(get("/fhir/" + search, ADMINISTRATOR))).as(search).containsAnyElementsOf(secondsOnly);

      Bundle found = get("/fhir/" + search, PATIENT);

      assertThat(keys(found)).as(search).isNotEmpty().doesNotContainAnyElementsOf(secondsOnly);
    }
  }

  @Test
  void theIncludesThatDidNotFitAPageArePagedWithOnlyThePatientsOwn() {
    String practitioner = created("Practitioner", "{\"resourceType\":\"Practitioner\"}");
    Set<String> firsts = new HashSet<>();
    Set<String> seconds = new HashSet<>();
    for (int k = 0; k < 3; k++) {
      firsts.add("Observation/" + created("Observation", observation(FIRST, "Practitioner/" + practitioner,
          "8867-4")));
      seconds.add("Observation/" + created("Observation", observation(SECOND, "Practitioner/" + practitioner,
          "8867-4")));
    }
    String search = "/fhir/Practitioner?_id=" + practitioner + "&_revinclude=Observation:performer&_includesCount=1";
    assertThat(includedAll(search, ADMINISTRATOR)).containsAll(seconds);

    Set<String> included = includedAll(search, PATIENT);

    assertThat(included).containsExactlyInAnyOrderElementsOf(firsts);
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
    String search = "/Observation?code=" + code + "&_include=Observation:performer&_includesCount=1";
    String includes = "/fhir/Patient/" + SECOND + "/Observation/$includes?code=" + code
        + "&_include=Observation:performer&includesCt=0";
    assertThat(included("/fhir/Patient/" + SECOND + search, ADMINISTRATOR)).containsExactlyInAnyOrderElementsOf(theirs);
    assertThat(keys(get(includes, ADMINISTRATOR))).containsAll(theirs);

    assertThat(included("/fhir/Patient/" + FIRST + search, PATIENT)).containsExactlyInAnyOrderElementsOf(mine);
    assertThat(keys(get(includes, PATIENT))).isEmpty();
  }

  @Test
  void theIncludesOfEverythingThatDoNotFitAPageComeOnItsNextPages() {
    String since = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1).toString();
    Set<String> mine = new HashSet<>(Set.of("Patient/" + FIRST));
    for (int k = 0; k < 3; k++) {
      mine.add(performed(FIRST, UUID.randomUUID().toString()));
    }
    String everything = "/fhir/Patient/" + FIRST + "/$everything?_type=Observation&_count=2&_includesCount=1&_since="
        + since;

    Bundle found = get(everything, PATIENT);

    assertThat(found.getEntry()).filteredOn(entry -> entry.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE)
        .extracting(entry -> entry.getResource().fhirType() + "/" + entry.getResource().getIdPart())
        .containsAll(mine);
  }

  /** The resources a search's pages include, and those its link of relation 'related' pages, as one caller. */
  private static Set<String> included(String search, String authorization) {
    Bundle page = get(search, authorization);
    Bundle.BundleLinkComponent related = page.getLink("related");
    assertThat(related).as("the related link of " + search).isNotNull();
    Bundle rest = get(related.getUrl().substring(TwoPatients.SECURED.server().rootUrl().length()), authorization);
    rest.getEntry().addAll(page.getEntry());
    Set<String> included = new HashSet<>();
    rest.getEntry().stream().filter(entry -> entry.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE)
        .forEach(entry -> included.add(entry.getResource().fhirType() + "/" + entry.getResource().getIdPart()));
    return included;
  }

  /** A new Practitioner that performed an Observation of {@code subject} with {@code code}. */
  private static String performed(String subject, String code) {
    String practitioner = "Practitioner/" + created("Practitioner", "{\"resourceType\":\"Practitioner\"}");
    created("Observation", observation(subject, practitioner, code));
    return practitioner;
  }

  /** The resources a search's first page includes, and those its link of relation 'related' pages, as one caller. */
  private static Set<String> includedAll(String search, String authorization) {
    Bundle page = get(search, authorization);
    Set<String> included = new HashSet<>(keys(page));
    included.remove(page.getEntryFirstRep().getResource().fhirType() + "/"
        + page.getEntryFirstRep().getResource().getIdPart());
    Bundle.BundleLinkComponent related = page.getLink("related");
    assertThat(related).as("the related link of " + search).isNotNull();
    Bundle rest = get(related.getUrl().substring(TwoPatients.SECURED.server().rootUrl().length()), authorization);
    assertThat(rest.getEntry()).allMatch(entry -> entry.getSearch().getMode() != Bundle.SearchEntryMode.MATCH);
    included.addAll(keys(rest));
    return included;
  }

  @Test
  void chainsHasAndListsDoNotReachTheOtherPatientsData() {
    String list = created("List", "{\"resourceType\":\"List\",\"status\":\"current\",\"mode\":\"working\","
        + "\"subject\":{\"reference\":\"Patient/" + SECOND + "\"},\"entry\":[{\"item\":{\"reference\":"
        + "\"Observation/" + shared + "\"}}]}");
    for (String search : List.of("Observation?performer:Patient.family=" + secondsFamily,
        "Observation?_id=" + shared + "&_has:List:item:subject=Patient/" + SECOND,
        "Practitioner?_has:Encounter:participant:patient=Patient/" + SECOND,
        "Observation?_list=" + list)) {
      assertThat(get("/fhir/" + search, ADMINISTRATOR).getTotal()).as(search).isPositive();

      Bundle found = get("/fhir/" + search, PATIENT);

      assertThat(found.getTotal()).as(search).isZero();
    }
  }

  @Test
  void historyAtEveryLevelListsOnlyTheFirstPatientsVersions() {
    String moved = created("Observation", observation(SECOND, null, "8867-4"));
    Http.Response update = HTTP.put("/fhir/Observation/" + moved, observation(FIRST, null, "8867-4")
        .replace("{\"resourceType\":\"Observation\",", "{\"resourceType\":\"Observation\",\"id\":\"" + moved + "\","),
        "Authorization", ADMINISTRATOR);
    assertThat(update.status()).isEqualTo(200);

    Bundle instance = get("/fhir/Observation/" + moved + "/_history", PATIENT);
    Bundle type = get("/fhir/Observation/_history?_count=100", PATIENT);
    Bundle system = get("/fhir/_history?_count=100", PATIENT);

    assertThat(get("/fhir/Observation/" + moved + "/_history", ADMINISTRATOR).getEntry()).hasSize(2);
    assertThat(instance.getEntry()).extracting(entry -> entry.getResource().getMeta().getVersionId())
        .containsExactly("2");
    assertThat(HTTP.get("/fhir/Observation/" + moved + "/_history/1", "Authorization", PATIENT).status())
        .isEqualTo(404);
    assertThat(HTTP.get("/fhir/Observation/" + secondsObservation + "/_history", "Authorization", PATIENT)
        .status()).isEqualTo(404);
    assertThat(keys(type)).contains("Observation/" + moved).doesNotContainAnyElementsOf(secondsOnly);
    assertThat(keys(system)).contains("Observation/" + moved).doesNotContainAnyElementsOf(secondsOnly);
    assertThat(keys(get("/fhir/_history?_count=100", ADMINISTRATOR))).containsAnyElementsOf(secondsOnly);
  }

  @Test
  void everythingIsOnlyTheFirstPatientsOwn() {
    Bundle mine = get("/fhir/Patient/" + FIRST + "/$everything?_count=1000", PATIENT);
    Bundle all = get("/fhir/Patient/$everything?_count=1000", PATIENT);

    assertThat(keys(mine)).containsAll(compartment(FIRST)).doesNotContainAnyElementsOf(secondsOnly);
    assertThat(keys(all)).containsAll(compartment(FIRST)).doesNotContainAnyElementsOf(secondsOnly);
    assertThat(keys(get("/fhir/Patient/$everything?_count=1000", ADMINISTRATOR))).containsAnyElementsOf(secondsOnly);
    HTTP.refused(404, "GET", "/fhir/Patient/" + SECOND + "/$everything", (byte[]) null, "Authorization", PATIENT);
  }

  @Test
  void docRefFindsOnlyTheFirstPatientsDocuments() {
    String mine = created("DocumentReference", document(FIRST));
    String seconds = created("DocumentReference", document(SECOND));
    assertThat(keys(get("/fhir/DocumentReference/$docref?patient=" + SECOND, ADMINISTRATOR)))
        .contains("DocumentReference/" + seconds);

    assertThat(keys(get("/fhir/DocumentReference/$docref?patient=" + FIRST, PATIENT)))
        .containsExactly("DocumentReference/" + mine);
    HTTP.refused(404, "GET", "/fhir/DocumentReference/$docref?patient=" + SECOND, (byte[]) null, "Authorization",
        PATIENT);
  }

  /** A DocumentReference of {@code subject}, of care later than any other of the sample's. */
  private static String document(String subject) {
    return "{\"resourceType\":\"DocumentReference\",\"status\":\"current\",\"subject\":{\"reference\":"
        + "\"Patient/" + subject + "\"},\"content\":[{\"attachment\":{\"url\":\"Binary/ccd\"}}],"
        + "\"context\":{\"period\":{\"start\":\"2100-01-01\"}}}";
  }

  @Test
  void convertDataRunsForAPatientTokenThatMayCreateAsItReadsNothingStored() {
    String message = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"inputData\",\"valueString\":"
        + "\"MSH|^~\\\\&|LAB|NORTH|EHR|SOUTH|20260301120000||ADT^A01|C-18|P|2.5\\rPID|1||4711^^^NORTH^MR\"},"
        + "{\"name\":\"inputDataType\",\"valueString\":\"Hl7v2\"},"
        + "{\"name\":\"rootTemplate\",\"valueString\":\"ADT_A01\"}]}";
    String creating = TwoPatients.patientToken(FIRST, "patient/*.cruds");

    Http.Response converted = HTTP.send("POST", "/fhir/$convert-data", message.getBytes(StandardCharsets.UTF_8),
        "Authorization", creating);

    assertThat(converted.status()).as(converted.body()).isEqualTo(200);
    assertThat(converted.resource(Bundle.class).getEntryFirstRep().getResource()).isInstanceOf(Patient.class);
    HTTP.refused(403, "POST", "/fhir/$convert-data", message, "Authorization", PATIENT);
  }

  @Test
  void theChangeFeedIsRefused() {
    String everything = TwoPatients.patientToken(FIRST, "patient/*.rs", "system/*.rs");

    OperationOutcome refused = HTTP.refused(403, "GET", "/fhir/$changes", (byte[]) null, "Authorization", everything);

    assertThat(refused.getIssueFirstRep().getDiagnostics()).contains("$changes");
  }

  @Test
  void anAsynchronousRequestOfAnotherCallerIsNotFound() {
    Http.Response submitted = HTTP.send("POST", "/fhir/Patient/" + FIRST + "/$reindex", null, "Authorization",
        ADMINISTRATOR, "Prefer", "respond-async");
    String status = submitted.header("Content-Location").orElseThrow();
    String path = status.substring(status.indexOf("/fhir/"));
    String everything = TwoPatients.patientToken(FIRST, "patient/*.rs", "system/*.*");

    assertThat(HTTP.get(path, "Authorization", ADMINISTRATOR).status()).isIn(200, 202);
    HTTP.refused(404, "GET", path, (byte[]) null, "Authorization", everything);
    HTTP.refused(404, "DELETE", path, (byte[]) null, "Authorization", everything);
    HTTP.refused(403, "POST", "/fhir/Patient/" + FIRST + "/$reindex", (byte[]) null, "Authorization", everything);
  }
}
