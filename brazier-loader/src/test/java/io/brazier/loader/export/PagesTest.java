package io.brazier.loader.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.HttpFhirClient;
import io.brazier.loader.LoaderConfig;
import io.brazier.loader.send.Sender;
import io.brazier.testkit.ScriptedFhirServer;
import io.brazier.testkit.ScriptedFhirServer.Answer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Following search pages on a server of another make, as the export meets them: next links to the server's own
 * name behind a proxy, throttling, and answers that are not what a FHIR server should send.
 */
class PagesTest {
  private static final ScriptedFhirServer server = new ScriptedFhirServer("/r4");

  private final Pages pages = new Pages(new Sender(new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(),
      Duration.ofSeconds(10)), LoaderConfig.defaults().withRetries(2, Duration.ofMillis(10))),
      URI.create(server.baseUrl()));

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void forget() {
    server.reset();
  }

  @Test
  void pagesAreFollowedByTheirPathBelowTheBaseWhateverHostTheLinksName() throws Exception {
    server.script("Observation?code=x", page("http://fhir.internal:8080/r4/Observation?_page=2&code=x", "o1", "o2"));
    server.script("Observation?_page=2&code=x", page("https://proxy.example/r4/Observation?_page=3&code=x", "o3"));
    server.script("Observation?_page=3&code=x", page(null, "o4"));
    List<String> ids = new ArrayList<>();

    pages.follow("Observation?code=x", resources -> resources.forEach(r -> ids.add(r.path("id").asText())));

    assertThat(ids).containsExactly("o1", "o2", "o3", "o4");
    assertThat(server.asked()).containsExactly("/r4/Observation?code=x", "/r4/Observation?_page=2&code=x",
        "/r4/Observation?_page=3&code=x");
  }

  @Test
  void aPagingLinkOnTheBaseItselfAsHapiWritesThemIsFollowed() throws Exception {
    server.script("Observation?code=x", page("http://fhir.internal/r4?_getpages=a1&_getpagesoffset=2", "o1", "o2"));
    server.script("?_getpages=a1&_getpagesoffset=2", page(null, "o3"));
    List<String> ids = new ArrayList<>();

    pages.follow("Observation?code=x", resources -> resources.forEach(r -> ids.add(r.path("id").asText())));

    assertThat(ids).containsExactly("o1", "o2", "o3");
    assertThat(server.asked()).containsExactly("/r4/Observation?code=x", "/r4/?_getpages=a1&_getpagesoffset=2");
  }

  @Test
  void aNextLinkOutsideTheBaseIsRefusedRatherThanSendingTheTokenThere() throws Exception {
    server.script("Patient", page("https://elsewhere.example/admin/Patient?_page=2"));

    assertThatThrownBy(() -> pages.follow("Patient", resources -> {}))
        .isInstanceOf(SearchFailed.class)
        .hasMessageContaining("https://elsewhere.example/admin/Patient?_page=2 is not below the server's base /r4/");
    assertThat(server.asked()).hasSize(1);
  }

  @Test
  void aNextLinkThatIsNotAUrlFailsTheSearchSayingWhichLink() {
    server.script("Patient", page("http://fhir.internal/r4/Patient?identifier=urn:x|1 2&_page=2"));

    assertThatThrownBy(() -> pages.follow("Patient", resources -> {}))
        .isInstanceOf(SearchFailed.class)
        .hasMessageContaining("GET Patient failed")
        .hasMessageContaining("identifier=urn:x|1 2&_page=2");
  }

  @Test
  void outcomesOfTheSearchItselfAreLeftOutOfThePages() throws Exception {
    server.script("Patient", Answer.ok("""
        {"resourceType":"Bundle","type":"searchset","entry":[
          {"resource":{"resourceType":"Patient","id":"p1"},"search":{"mode":"match"}},
          {"resource":{"resourceType":"OperationOutcome","issue":[]},"search":{"mode":"outcome"}},
          {"resource":{"resourceType":"Organization","id":"org"},"search":{"mode":"include"}},
          {"fullUrl":"no resource"}]}"""));
    List<String> types = new ArrayList<>();

    pages.follow("Patient", resources -> resources.forEach(r -> types.add(r.path("resourceType").asText())));

    assertThat(types).containsExactly("Patient", "Organization");
  }

  @Test
  void aThrottledPageIsAskedAgainAfterTheWaitTheServerNames() throws Exception {
    server.script("Patient", new Answer(429, Map.of("Retry-After", "0"), ""),
        new Answer(503, Map.of("x-ms-retry-after-ms", "5"), ""), page(null, "p1"));
    List<ObjectNode> found = new ArrayList<>();

    pages.follow("Patient", found::addAll);

    assertThat(found).hasSize(1);
    assertThat(server.asked()).hasSize(3);
  }

  @Test
  void aServerStillThrottlingAfterTheRetriesFailsTheSearchWithItsStatus() {
    server.script("Patient", new Answer(429, Map.of("Retry-After", "0"), """
        {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"throttled",
         "diagnostics":"Request rate too large"}]}"""));

    assertThatThrownBy(() -> pages.follow("Patient", resources -> {}))
        .isInstanceOf(SearchFailed.class)
        .hasMessage("GET Patient failed: the server answered 429: Request rate too large");
    assertThat(server.asked()).as("the first attempt and two retries").hasSize(3);
  }

  @Test
  void answersThatAreNotBundlesFailTheSearchSayingWhatCameInstead() {
    server.script("Patient", Answer.ok("<html>Sign in</html>"));
    server.script("Group", Answer.ok("{\"resourceType\":\"OperationOutcome\"}"));
    server.script("Device", new Answer(500, Map.of(), "x".repeat(2000)));

    assertThatThrownBy(() -> pages.follow("Patient", resources -> {})).isInstanceOf(SearchFailed.class)
        .hasMessageEndingWith("the answer is not JSON");
    assertThatThrownBy(() -> pages.follow("Group", resources -> {})).isInstanceOf(SearchFailed.class)
        .hasMessageEndingWith("the answer is not a Bundle but OperationOutcome");
    assertThatThrownBy(() -> pages.follow("Device", resources -> {})).isInstanceOf(SearchFailed.class)
        .hasMessageEndingWith("the server answered 500: " + "x".repeat(500) + "...");
  }

  @Test
  void aCountIsTheTotalOfASummaryCountAndAServerWithoutTotalsSaysToExportInOneSlice() throws Exception {
    server.script("Observation?code=x&_summary=count", new Answer(200, Map.of(),
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":12345}"));
    server.script("Patient?_summary=count", Answer.ok("{\"resourceType\":\"Bundle\",\"type\":\"searchset\"}"));

    assertThat(pages.count("Observation?code=x")).isEqualTo(12345);
    assertThatThrownBy(() -> pages.count("Patient")).isInstanceOf(SearchFailed.class)
        .hasMessageContaining("use --parallel 1");
  }

  /** A searchset page of Patients with these ids, linking to {@code next} (none when null). */
  private static Answer page(String next, String... ids) {
    StringBuilder entries = new StringBuilder();
    for (String id : ids) {
      entries.append(entries.length() == 0 ? "" : ",")
          .append("{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"").append(id).append("\"}}");
    }
    String link = next == null ? "" : ",\"link\":[{\"relation\":\"self\",\"url\":\"x\"},"
        + "{\"relation\":\"next\",\"url\":\"" + next + "\"}]";
    return Answer.ok("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[" + entries
        + "]" + link + "}");
  }
}
