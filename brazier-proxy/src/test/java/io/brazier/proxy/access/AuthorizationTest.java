package io.brazier.proxy.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.proxy.SecuredServer;
import io.brazier.server.Caller;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.Http;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Roles x scopes x interactions: each kind of token against each interaction, through HTTP, with the answer the
 * table says (2xx or 403); then bundles, granular scopes and includes.
 */
class AuthorizationTest {
  private static final SecuredServer secured = SecuredServer.shared();
  private static final Http http = secured.http();
  private static final String ADMINISTRATOR = secured.bearer(List.of("Administrator"), List.of());
  private static String patient;
  private static String laboratory;
  private static String vitalSigns;

  /** A request of the matrix. */
  private record Call(String name, String method, String path, String body, String contentType) {}

  /** A kind of token and what it may do: Y or - per call, in the order of {@link #calls()}. */
  private record Grant(String name, List<String> roles, List<String> scopes, String expected) {}

  @BeforeAll
  static void store() {
    patient = created("Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Matrix\"}]}");
    laboratory = created("Observation", observation("laboratory"));
    vitalSigns = created("Observation", observation("vital-signs"));
  }

  private static List<Call> calls() {
    String body = "{\"resourceType\":\"Patient\",\"id\":\"" + patient + "\",\"active\":true}";
    return List.of(
        new Call("read", "GET", "/fhir/Patient/" + patient, null, null),
        new Call("vread", "GET", "/fhir/Patient/" + patient + "/_history/1", null, null),
        new Call("history-instance", "GET", "/fhir/Patient/" + patient + "/_history", null, null),
        new Call("search-type", "GET", "/fhir/Patient?_id=" + patient, null, null),
        new Call("search-system", "GET", "/fhir?_type=Patient&_id=" + patient, null, null),
        new Call("history-type", "GET", "/fhir/Patient/_history?_count=1", null, null),
        new Call("history-system", "GET", "/fhir/_history?_count=1", null, null),
        new Call("create", "POST", "/fhir/Patient", "{\"resourceType\":\"Patient\"}", "application/fhir+json"),
        new Call("update", "PUT", "/fhir/Patient/" + patient, body, "application/fhir+json"),
        new Call("patch", "PATCH", "/fhir/Patient/" + patient,
            "[{\"op\":\"replace\",\"path\":\"/active\",\"value\":true}]", "application/json-patch+json"),
        new Call("delete", "DELETE", "/fhir/Patient?identifier=urn:none%7C" + UUID.randomUUID(), null, null),
        new Call("$validate", "POST", "/fhir/Patient/$validate", "{\"resourceType\":\"Patient\"}",
            "application/fhir+json"),
        new Call("$reindex", "POST", "/fhir/Patient/" + patient + "/$reindex", null, null),
        new Call("$everything", "GET", "/fhir/Patient/" + patient + "/$everything", null, null),
        new Call("$changes", "GET", "/fhir/$changes?_count=1", null, null));
  }

  private static final List<Grant> GRANTS = List.of(
      //                                                                           rvhsSTHcupdVRE$
      new Grant("nothing", List.of(), List.of(), "---------------"),
      new Grant("Reader", List.of("Reader"), List.of(), "YYYYYYY----Y-YY"),
      new Grant("Writer", List.of("Writer"), List.of(), "-------YYYYY---"),
      new Grant("Reader and Writer", List.of("Reader", "Writer"), List.of(), "YYYYYYYYYYYY-YY"),
      new Grant("Administrator", List.of("Administrator"), List.of(), "YYYYYYYYYYYYYYY"),
      new Grant("Patient role alone", List.of("Patient"), List.of(), "---------------"),
      new Grant("an alias of Reader", List.of("FHIRProxyReader"), List.of(), "YYYYYYY----Y-YY"),
      new Grant("system/*.read", List.of(), List.of("system/*.read"), "YYYYYYY----Y-YY"),
      new Grant("system/*.write", List.of(), List.of("system/*.write"), "-------YYYYYY--"),
      new Grant("system/Patient.rs", List.of(), List.of("system/Patient.rs"), "YYYYYY-----Y---"),
      new Grant("Entra's system.Patient.read", List.of(), List.of("system.Patient.read"), "YYYYYY-----Y---"),
      new Grant("user/Patient.cruds", List.of(), List.of("user/Patient.cruds"), "YYYYYY-YYYYY---"),
      new Grant("system/Patient.r", List.of(), List.of("system/Patient.r"), "YYY--------Y---"),
      new Grant("patient/Observation.rs", List.of(), List.of("patient/Observation.rs"), "-----------Y---"),
      new Grant("openid and launch only", List.of(), List.of("openid", "launch"), "---------------"),
      new Grant("a role and a scope together", List.of("Writer"), List.of("system/Patient.rs"),
          "YYYYYY-YYYYY---"));

  @Test
  void eachKindOfTokenMayDoWhatItsRolesAndScopesGrantAndNothingElse() {
    List<String> mismatches = new ArrayList<>();
    List<Call> calls = calls();
    for (Grant grant : GRANTS) {
      String authorization = secured.bearer(grant.roles(), grant.scopes());
      for (int i = 0; i < calls.size(); i++) {
        Call call = calls.get(i);
        Http.Response response = send(call, authorization);
        boolean allowed = response.status() / 100 == 2;
        boolean expected = grant.expected().charAt(i) == 'Y';
        if (allowed != expected || (!allowed && response.status() != 403)) {
          mismatches.add(grant.name() + " " + call.name() + ": " + response.status() + " " + response.body());
        }
      }
    }

    assertThat(mismatches).isEmpty();
  }

  @Test
  void aRefusalIsA403OperationOutcomeThatWritesNothing() {
    String reader = secured.bearer(List.of("Reader"), List.of());

    var outcome = http.refused(403, "POST", "/fhir/Patient", "{\"resourceType\":\"Patient\"}", "Authorization",
        reader);

    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(IssueType.FORBIDDEN);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("create Patient");
  }

  @Test
  void aBatchEntryTheCallerMayNotRunGetsItsOwn403AndTheOthersRun() {
    String reader = secured.bearer(List.of("Reader"), List.of());

    Http.Response response = http.post("/fhir", bundle("batch"), "Authorization", reader);

    assertThat(response.status()).isEqualTo(200);
    List<BundleEntryComponent> entries = response.resource(Bundle.class).getEntry();
    assertThat(entries.get(0).getResponse().getStatus()).startsWith("200");
    assertThat(entries.get(1).getResponse().getStatus()).startsWith("403");
  }

  @Test
  void aTransactionWithAnEntryTheCallerMayNotRunIsRefusedWhole() {
    String reader = secured.bearer(List.of("Reader"), List.of());

    var outcome = http.refused(403, "POST", "/fhir", bundle("transaction"), "Authorization", reader);

    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("create Patient");
  }

  @Test
  void aGranularScopeAllowsSearchesWithinItOnly() {
    String lab = secured.bearer(List.of(), List.of("system/Observation.rs?category=laboratory"));

    Http.Response within = http.get("/fhir/Observation?category=laboratory&_id=" + laboratory + "," + vitalSigns,
        "Authorization", lab);

    assertThat(within.status()).isEqualTo(200);
    assertThat(within.resource(Bundle.class).getEntry()).extracting(entry -> entry.getResource().getIdPart())
        .containsExactly(laboratory);
    http.refused(403, "GET", "/fhir/Observation", (byte[]) null, "Authorization", lab);
    http.refused(403, "GET", "/fhir/Observation?category=vital-signs", (byte[]) null, "Authorization", lab);
    http.refused(403, "GET", "/fhir/Observation?category=laboratory,vital-signs", (byte[]) null, "Authorization",
        lab);
  }

  @Test
  void aSystemSearchOfTypesOneOfWhichAGranularScopeLimitsRunsStrictSoItsParametersCannotBeDropped() {
    String lab = secured.bearer(List.of(), List.of("system/Observation.rs?category=laboratory",
        "system/Patient.rs"));
    String search = "/fhir?_type=Observation,Patient&category=laboratory&_id=" + laboratory + "," + vitalSigns;

    Http.Response answer = http.get(search, "Authorization", lab);

    // Lenient, the server would drop category (Patient has none) and find the vital signs too.
    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    assertThat(answer.body()).contains("category").doesNotContain(vitalSigns);
  }

  @Test
  void aGranularScopeAllowsReadsOfResourcesWithinItOnly() {
    String lab = secured.bearer(List.of(), List.of("system/Observation.rs?category=laboratory"));

    Http.Response inside = http.get("/fhir/Observation/" + laboratory, "Authorization", lab);

    assertThat(inside.status()).isEqualTo(200);
    var outcome = http.refused(403, "GET", "/fhir/Observation/" + vitalSigns, (byte[]) null, "Authorization", lab);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("outside the caller's scopes");
    http.refused(403, "GET", "/fhir/Observation/" + laboratory + "/_history/1", (byte[]) null, "Authorization", lab);
  }

  @Test
  void aGranularScopeWithAParameterTheServerDoesNotKnowGrantsNothing() {
    String odd = secured.bearer(List.of(), List.of("system/Observation.rs?no-such-parameter=1"));

    Http.Response search = http.get("/fhir/Observation?no-such-parameter=1", "Authorization", odd);
    Http.Response read = http.get("/fhir/Observation/" + laboratory, "Authorization", odd);

    assertThat(search.status()).as("strict, not the whole type").isEqualTo(400);
    assertThat(read.status()).isEqualTo(403);
  }

  @Test
  void includesOfTypesTheCallerMayNotReadAreRefusedWhenNamedAndLeftOutOtherwise() {
    String observations = secured.bearer(List.of(), List.of("system/Observation.rs"));
    String both = secured.bearer(List.of(), List.of("system/Observation.rs", "system/Patient.r"));

    Http.Response leftOut = http.get("/fhir/Observation?_id=" + laboratory + "&_include=Observation:subject",
        "Authorization", observations);
    Http.Response included = http.get("/fhir/Observation?_id=" + laboratory + "&_include=Observation:subject",
        "Authorization", both);

    assertThat(types(leftOut)).containsExactly("Observation");
    assertThat(types(included)).containsExactly("Observation", "Patient");
    http.refused(403, "GET", "/fhir/Observation?_id=" + laboratory + "&_include=Observation:subject:Patient",
        (byte[]) null, "Authorization", observations);
    http.refused(403, "GET", "/fhir/Patient?_id=" + patient + "&_revinclude=Provenance:target", (byte[]) null,
        "Authorization", both);
    http.refused(403, "POST", "/fhir/Observation/_search", "_id=" + laboratory + "&_include:iterate="
        + "Observation:subject:Patient", "Authorization", observations, "Content-Type",
        "application/x-www-form-urlencoded");
  }

  @Test
  void theIncludesThatDidNotFitAPageArePagedToTheCallerAsTheSearchGivesThem() {
    String practitioner = created("Practitioner", "{\"resourceType\":\"Practitioner\"}");
    List<String> laboratories = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      laboratories.add("Observation/" + created("Observation", performed(observation("laboratory"), practitioner)));
      created("Observation", performed(observation("vital-signs"), practitioner));
    }
    String lab = secured.bearer(List.of(), List.of("system/Practitioner.rs",
        "system/Observation.rs?category=laboratory"));
    String practitionersOnly = secured.bearer(List.of(), List.of("system/Practitioner.rs"));
    String search = "/fhir/Practitioner?_id=" + practitioner + "&_includesCount=1&_revinclude=";

    assertThat(includedAll(search + "Observation:performer", lab)).containsExactlyInAnyOrderElementsOf(laboratories);
    assertThat(includedAll(search + "*", practitionersOnly)).isEmpty();
    http.refused(403, "GET", "/fhir/Practitioner/$includes?_id=" + practitioner
        + "&_revinclude=Observation:performer&includesCt=0", (byte[]) null, "Authorization", practitionersOnly);
  }

  @Test
  void theIncludesOfACompartmentSearchArePagedToTheCallerAsThatSearchIsRun() {
    List<String> performers = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      String practitioner = created("Practitioner", "{\"resourceType\":\"Practitioner\"}");
      performers.add("Practitioner/" + practitioner);
      created("Observation", performed(observation("laboratory"), practitioner));
    }
    String lab = secured.bearer(List.of(), List.of("system/Patient.rs", "system/Practitioner.rs",
        "system/Observation.rs?category=laboratory"));
    String compartment = "/fhir/Patient/" + patient + "/Observation";
    String include = "_include=Observation:performer";

    assertThat(includedAll(compartment + "?category=laboratory&_includesCount=1&" + include, lab))
        .containsAll(performers);
    http.refused(403, "GET", compartment + "/$includes?" + include + "&includesCt=0", (byte[]) null,
        "Authorization", lab);
  }

  /** The resources a search's first page includes and those its link of relation 'related' pages, as one caller. */
  private static List<String> includedAll(String search, String authorization) {
    Bundle page = page(search, authorization);
    List<String> included = new ArrayList<>(included(page));
    Bundle.BundleLinkComponent link = page.getLink("related");
    assertThat(link).as("a link to the includes that did not fit").isNotNull();
    while (link != null) {
      Bundle more = page(link.getUrl().substring(secured.server().rootUrl().length()), authorization);
      included.addAll(included(more));
      link = more.getLink("next");
    }
    return included;
  }

  private static Bundle page(String path, String authorization) {
    Http.Response answer = http.get(path, "Authorization", authorization);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return answer.resource(Bundle.class);
  }

  private static List<String> included(Bundle page) {
    return page.getEntry().stream().filter(entry -> entry.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE)
        .map(entry -> entry.getResource().fhirType() + "/" + entry.getResource().getIdPart()).toList();
  }

  private static String performed(String observation, String practitioner) {
    return observation.replace("\"subject\"", "\"performer\":[{\"reference\":\"Practitioner/" + practitioner
        + "\"}],\"subject\"");
  }

  @Test
  void inFrontOfAnotherServerIncludesTheCallerMayNotReadWholeAreRefused() {
    Authorization proxy = Authorization.upstream();
    // The other server's page goes on unseen: an include it answers is not left out as the server leaves it out.
    for (String include : List.of("Observation:subject", "*", "Observation:subject:Patient")) {
      assertThatThrownBy(() -> proxy.before(search(Map.of("_include", include), "system/Observation.rs")))
          .as(include).isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(403));
    }
    Map<String, String> laboratoryAndMembers = Map.of("category", "laboratory", "_revinclude",
        "Observation:has-member");
    assertThatThrownBy(() -> proxy.before(search(laboratoryAndMembers, "system/Observation.rs?category=laboratory")))
        .as("a granular scope reads its type only in part")
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThatCode(() -> proxy.before(search(Map.of("category", "laboratory"),
        "system/Observation.rs?category=laboratory"))).doesNotThrowAnyException();
    assertThatCode(() -> proxy.before(search(Map.of("_include", "Observation:subject:Patient"),
        "system/Observation.rs", "system/Patient.rs"))).doesNotThrowAnyException();
    assertThatCode(() -> proxy.before(search(Map.of("_include", "*"), "system/*.rs"))).doesNotThrowAnyException();
  }

  private static FhirRequest search(Map<String, String> query, String... scopes) {
    Caller caller = new Caller("https://issuer.example/", "app", "app", Set.of(), Set.of(scopes), null, null, null);
    Map<String, List<String>> params = new LinkedHashMap<>();
    query.forEach((name, value) -> params.put(name, List.of(value)));
    return new FhirRequest("GET", List.of("Observation"), params, name -> null, null, "http://proxy.example/fhir")
        .withCaller(caller).routed(FhirInteraction.SEARCH_TYPE, null);
  }

  @Test
  void chainsAndReverseChainsThroughTypesTheCallerMayNotSearchAreRefused() {
    String patients = secured.bearer(List.of(), List.of("system/Patient.rs"));
    String observations = secured.bearer(List.of(), List.of("system/Observation.rs"));
    String both = secured.bearer(List.of(), List.of("system/Observation.rs", "system/Patient.rs"));

    // Which patients have a laboratory result is Observation data, whatever type the search returns.
    http.refused(403, "GET", "/fhir/Patient?_has:Observation:subject:category=laboratory", (byte[]) null,
        "Authorization", patients);
    http.refused(403, "POST", "/fhir/Patient/_search", "_has:Observation:subject:category=laboratory",
        "Authorization", patients, "Content-Type", "application/x-www-form-urlencoded");
    http.refused(403, "GET", "/fhir/Observation?subject:Patient.name=Matrix", (byte[]) null, "Authorization",
        observations);
    http.refused(403, "GET", "/fhir/Observation?subject.name=Matrix", (byte[]) null, "Authorization", both);
  }

  @Test
  void bulkAndMaintenanceOperationsNeedASystemScopeOrAnAdministrator() {
    String reader = secured.bearer(List.of("Reader"), List.of());
    String userWrite = secured.bearer(List.of(), List.of("user/*.write"));

    http.refused(403, "POST", "/fhir/$reindex", "{}", "Authorization", reader);
    http.refused(403, "POST", "/fhir/Patient/" + patient + "/$reindex", (byte[]) null, "Authorization", userWrite);
    http.refused(403, "GET", "/fhir/Patient/$export", (byte[]) null, "Prefer", "respond-async", "Authorization",
        reader);
    // The server exports every _type given, repeated or in a POST's body, not only the first in the query.
    String patientsOnly = secured.bearer(List.of(), List.of("system/Patient.read"));
    http.refused(403, "GET", "/fhir/$export?_type=Patient&_type=Observation", (byte[]) null, "Prefer",
        "respond-async", "Authorization", patientsOnly);
    http.refused(403, "POST", "/fhir/$export?_type=Patient", "{\"resourceType\":\"Parameters\",\"parameter\":"
        + "[{\"name\":\"_type\",\"valueString\":\"Observation\"}]}", "Prefer", "respond-async", "Authorization",
        patientsOnly, "Content-Type", "application/fhir+json");
    // Following a job needs some right: each caller follows only its own jobs (ExportAccessTest).
    http.refused(403, "GET", "/fhir/_async/" + UUID.randomUUID(), (byte[]) null, "Authorization",
        secured.bearer(List.of(), List.of()));
    http.refused(404, "GET", "/fhir/_async/" + UUID.randomUUID(), (byte[]) null, "Authorization", reader);
  }

  private static List<String> types(Http.Response response) {
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.resource(Bundle.class).getEntry().stream().map(entry -> entry.getResource().fhirType())
        .toList();
  }

  private static String bundle(String type) {
    return "{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":["
        + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/" + patient + "\"}},"
        + "{\"resource\":{\"resourceType\":\"Patient\"},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}";
  }

  private static String observation(String category) {
    return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
        + "\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"" + category + "\"}]}],"
        + "\"code\":{\"text\":\"test\"},\"subject\":{\"reference\":\"Patient/" + patient + "\"}}";
  }

  private static String created(String type, String json) {
    Http.Response response = http.post("/fhir/" + type, json, "Authorization", ADMINISTRATOR);
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    String location = response.header("Location").orElseThrow();
    return location.split("/")[location.split("/").length - 3];
  }

  private static Http.Response send(Call call, String authorization) {
    byte[] body = call.body() == null ? null : call.body().getBytes(StandardCharsets.UTF_8);
    return call.contentType() == null ? http.send(call.method(), call.path(), body, "Authorization", authorization)
        : http.send(call.method(), call.path(), body, "Authorization", authorization, "Content-Type",
            call.contentType());
  }
}
