package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.proxy.access.Authorization;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.Restriction;
import io.brazier.server.TestServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every answer of the server behind the standalone proxy checked before a restricted caller gets it: a resource
 * outside is not found (deleted or not), a page keeps only what lies within and gives no total that would count
 * what it left out, saying so whether or not it left anything out; a page of a search narrowed exactly keeps its total.
 */
class UpstreamAnswersTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Fhir FHIR = TestServer.shared().fhir();
  private static final Lookup LOOKUP = new Lookup(TestServer.shared().api().client(Authorization.PROXY, ""), "");
  private static final FhirSearch SEARCH = new FhirSearch(FHIR);
  private static final UpstreamAnswers ANSWERS = new UpstreamAnswers(new Membership(SEARCH),
      new CompartmentQuery(SEARCH.compartments(), new UpstreamCapabilities(LOOKUP)), LOOKUP);
  private static String mine;
  private static String theirs;
  private static Restriction restriction;

  @BeforeAll
  static void store() {
    IGenericClient client = TestServer.shared().client();
    mine = client.create().resource(new Patient()).execute().getId().getIdPart();
    theirs = client.create().resource(new Patient()).execute().getId().getIdPart();
    restriction = Restriction.within("Patient", Set.of(mine));
  }

  @Test
  void aResourceReadOutsideIsNotFoundAndOneWithinPassesAsItIs() throws IOException {
    JsonNode outside = observation("o1", theirs);
    JsonNode within = observation("o2", mine);

    assertThatThrownBy(() -> ANSWERS.checked(read("Observation/o1"), restriction, 200, outside))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThat(ANSWERS.checked(read("Observation/o2"), restriction, 200, within)).isSameAs(within);
  }

  @Test
  void aPageKeepsWhatLiesWithinAndSaysTheSameWhateverItLeftOut() throws IOException {
    JsonNode page = bundle(3, observation("a", mine), observation("b", theirs), observation("c", theirs));

    JsonNode checked = ANSWERS.checked(search("Observation?code=8867-4"), restriction, 200, page);
    JsonNode nothingLeft = ANSWERS.checked(search("Observation?code=8867-4"), restriction, 200,
        bundle(1, observation("a", mine)));

    List<String> kept = new ArrayList<>();
    checked.path("entry").forEach(entry -> kept.add(entry.path("resource").path("resourceType").asText() + "/"
        + entry.path("resource").path("id").asText()));
    assertThat(kept).containsExactly("Observation/a", "OperationOutcome/");
    assertThat(checked.path("entry").get(1).path("search").path("mode").asText()).isEqualTo("outcome");
    assertThat(checked.has("total")).isFalse();
    assertThat(checked).as("neither whether nor how many entries lay outside").isEqualTo(nothingLeft);
  }

  @Test
  void includesLeftOutOfAnExactSearchLeaveItsTotalAndSayNothing() throws IOException {
    FhirRequest narrowed = search("Observation?subject=Patient/" + mine + "&_include=Observation:performer");
    JsonNode theirPatient = JSON.readTree("{\"resourceType\":\"Patient\",\"id\":\"" + theirs + "\"}");
    var page = (com.fasterxml.jackson.databind.node.ObjectNode) bundle(1, observation("a", mine));
    page.withArray("entry").addObject().<com.fasterxml.jackson.databind.node.ObjectNode>set("resource", theirPatient)
        .putObject("search").put("mode", "include");

    JsonNode checked = ANSWERS.checked(narrowed, restriction, 200, page);

    assertThat(checked.path("entry")).hasSize(1);
    assertThat(checked.path("total").asInt()).isEqualTo(1);
  }

  @Test
  void aTotalStaysOnlyWhenTheSearchWasNarrowedExactlyToTheReach() throws IOException {
    FhirRequest narrowed = search("Observation?code=8867-4&subject=Patient/" + mine);
    FhirRequest wide = search("Observation?code=8867-4");

    assertThat(ANSWERS.checked(narrowed, restriction, 200, bundle(1, observation("a", mine))).path("total")
        .asInt()).isEqualTo(1);
    assertThat(ANSWERS.checked(wide, restriction, 200, bundle(1, observation("a", mine))).has("total"))
        .as("other matches may lie outside").isFalse();
  }

  @Test
  void aHistoryWhoseVersionsAllLieOutsideIsNotFound() throws IOException {
    FhirRequest history = FhirRequest.builder("GET", "Observation/o1/_history").build()
        .routed(FhirInteraction.HISTORY_INSTANCE, null);

    assertThatThrownBy(() -> ANSWERS.checked(history, restriction, 200, bundle(2, observation("o1", theirs),
        observation("o1", theirs)))).isInstanceOfSatisfying(FhirException.class,
            e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void aDeletionInAHistoryIsKeptOnlyForTypesThatAreNotRestricted() throws IOException {
    JsonNode page = bundle(2, deletion("Observation/o1/_history/2"), deletion("Practitioner/dr/_history/2"));
    FhirRequest history = FhirRequest.builder("GET", "_history").build().routed(FhirInteraction.HISTORY_SYSTEM,
        null);

    JsonNode checked = ANSWERS.checked(history, restriction, 200, page);

    assertThat(checked.path("entry").get(0).path("request").path("url").asText())
        .isEqualTo("Practitioner/dr/_history/2");
    assertThat(checked.path("entry")).hasSize(2); // the Practitioner's, and the outcome saying one was left out
  }

  @Test
  void aDeletedResourceIsGoneOnlyWhenItsLastVersionLayWithin() throws IOException {
    IGenericClient client = TestServer.shared().client();
    String hers = deleted(client, mine);
    String others = deleted(client, theirs);
    JsonNode gone = JSON.readTree("{\"resourceType\":\"OperationOutcome\"}");

    assertThat(ANSWERS.checked(read("Observation/" + hers), restriction, 410, gone)).isSameAs(gone);
    assertThatThrownBy(() -> ANSWERS.checked(read("Observation/" + others), restriction, 410, gone))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void aFailureOfTheUpstreamPassesAsItIs() throws IOException {
    JsonNode outcome = JSON.readTree("{\"resourceType\":\"OperationOutcome\"}");

    assertThat(ANSWERS.checked(read("Observation/x"), restriction, 404, outcome)).isSameAs(outcome);
    assertThat(ANSWERS.checked(read("Observation/x"), restriction, 200, null)).isNull();
  }

  @Test
  void onlyAPageLeftWithoutMatchesLeadsOnUnlessTheSearchAskedForNone() throws IOException {
    JsonNode lost = withNext(bundle(1, observation("b", theirs)));
    JsonNode kept = withNext(bundle(2, observation("a", mine), observation("b", theirs)));

    assertThat(UpstreamAnswers.onwards(search("Observation?code=x"), ANSWERS.checked(search("Observation?code=x"),
        restriction, 200, lost))).isEqualTo("http://upstream/Observation?page=2");
    assertThat(UpstreamAnswers.onwards(search("Observation?code=x"), ANSWERS.checked(search("Observation?code=x"),
        restriction, 200, kept))).isNull();
    assertThat(UpstreamAnswers.onwards(search("Observation?_count=0"), withNext(bundle(1)))).isNull();
  }

  private static JsonNode withNext(JsonNode page) {
    ((com.fasterxml.jackson.databind.node.ObjectNode) page).putArray("link").addObject().put("relation", "next")
        .put("url", "http://upstream/Observation?page=2");
    return page;
  }

  private static String deleted(IGenericClient client, String patient) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference("Patient/" + patient));
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    String id = client.create().resource(observation).execute().getId().getIdPart();
    client.delete().resourceById("Observation", id).execute();
    return id;
  }

  private static FhirRequest read(String url) {
    return FhirRequest.builder("GET", url).build().routed(FhirInteraction.READ, null);
  }

  private static FhirRequest search(String url) {
    return FhirRequest.builder("GET", url).build().routed(FhirInteraction.SEARCH_TYPE, null);
  }

  private static JsonNode observation(String id, String patient) throws IOException {
    return JSON.readTree("{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"final\","
        + "\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/" + patient + "\"}}");
  }

  private static JsonNode deletion(String url) throws IOException {
    return JSON.readTree("{\"request\":{\"method\":\"DELETE\",\"url\":\"" + url + "\"}}");
  }

  private static JsonNode bundle(int total, JsonNode... entries) throws IOException {
    var bundle = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":" + total + "}");
    var array = bundle.putArray("entry");
    for (JsonNode entry : entries) {
      array.add(entry.has("request") ? entry : JSON.createObjectNode().set("resource", entry));
    }
    return bundle;
  }
}
