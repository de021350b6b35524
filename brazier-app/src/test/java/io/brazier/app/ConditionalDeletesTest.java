package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.client.HttpFhirClient;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.ProxyRequest;
import io.brazier.server.TestServer;
import io.brazier.testkit.ScriptedFhirServer;
import io.brazier.testkit.ScriptedFhirServer.Answer;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * How the proxy learns what a conditional delete removed, asking a real server through its API: the delete narrowed
 * to the matches of its criteria before it goes on, and the matches no longer found once it is answered.
 */
class ConditionalDeletesTest {
  private static final TestServer upstream = TestServer.shared();
  private static final IGenericClient direct = upstream.client();
  private final IdentifiedPatients patients = new IdentifiedPatients();

  @Test
  void aConditionalDeleteIsADeleteOfATypeWithCriteria() {
    assertThat(ConditionalDeletes.conditional(request("DELETE", "Patient", Map.of("active", List.of("true")))))
        .isTrue();
    assertThat(ConditionalDeletes.conditional(request("DELETE", "Patient/7", Map.of("active", List.of("true")))))
        .as("an instance's delete").isFalse();
    assertThat(ConditionalDeletes.conditional(request("DELETE", "Patient", Map.of()))).as("no criteria").isFalse();
    assertThat(ConditionalDeletes.conditional(request("GET", "Patient", Map.of("active", List.of("true")))))
        .as("a search").isFalse();
    assertThat(ConditionalDeletes.conditional(request("DELETE", "$expunge", Map.of("a", List.of("b")))))
        .as("an operation").isFalse();
  }

  @Test
  void theDeleteGoesOnNarrowedToWhatItsCriteriaMatchNow() {
    String first = patients.created("same");
    String second = patients.created("same");
    patients.created("other");

    ProxyRequest narrowed = ConditionalDeletes.narrowed(delete("same"));

    assertThat(narrowed.query().get("identifier")).containsExactly(patients.token("same"));
    assertThat(narrowed.query().get("_id")).singleElement().satisfies(ids ->
        assertThat(ids.split(",")).containsExactlyInAnyOrder(first, second));
    assertThat(ConditionalDeletes.url(narrowed)).as("the criteria as given, the matches after them")
        .startsWith("Patient?" + patients.criteria("same") + "&_id=");
  }

  @Test
  void aDeleteThatMatchesNothingIsNarrowedToAnIdNoResourceHasAndRemovedNothing() {
    patients.created("same");

    ProxyRequest narrowed = ConditionalDeletes.narrowed(delete("none"));

    assertThat(narrowed.query().get("_id")).singleElement().asString().startsWith("none-");
    assertThat(ConditionalDeletes.removed(narrowed)).isEmpty();
  }

  @Test
  void theClientsOwnIdIsKeptBesideTheMatchesSoThatBothNarrowTheDelete() {
    String first = patients.created("same");
    String second = patients.created("same");
    Map<String, List<String>> criteria = new LinkedHashMap<>(delete("same").query());
    criteria.put("_id", List.of(first));

    ProxyRequest narrowed = ConditionalDeletes.narrowed(request("DELETE", "Patient", criteria));
    direct.delete().resourceById("Patient", first).execute();
    direct.delete().resourceById("Patient", second).execute();

    assertThat(narrowed.query().get("_id")).hasSize(2).first().isEqualTo(first);
    assertThat(ConditionalDeletes.removed(narrowed)).as("only what every _id allows").containsExactly(first);
  }

  @Test
  void removedAreTheMatchesASearchNoLongerFinds() {
    String deleted = patients.created("same");
    patients.created("same");
    ProxyRequest narrowed = ConditionalDeletes.narrowed(delete("same"));

    direct.delete().resourceById("Patient", deleted).execute();

    assertThat(ConditionalDeletes.removed(narrowed)).containsExactly(deleted);
  }

  @Test
  void aNextPageOnTheBaseItselfAsHapiLinksItIsFollowed() {
    try (ScriptedFhirServer hapi = new ScriptedFhirServer("/fhir")) {
      hapi.script("Patient?identifier=x&_elements=id&_count=" + ConditionalDeletes.MOST,
          searchset(hapi.baseUrl() + "?_getpages=a1&_getpagesoffset=1", "p1"));
      hapi.script("?_getpages=a1&_getpagesoffset=1", searchset(null, "p2"));
      ProxyRequest delete = new ProxyRequest("DELETE", List.of("Patient"), Map.of("identifier", List.of("x")),
          name -> null, null, null, hapi.baseUrl(), new HttpFhirClient(URI.create(hapi.baseUrl()), Optional.empty(),
          Duration.ofSeconds(10)), null, null);

      ProxyRequest narrowed = ConditionalDeletes.narrowed(delete);

      assertThat(narrowed.query().get("_id")).containsExactly("p1,p2");
    }
  }

  @Test
  void anUpstreamThatCannotSearchIsA502NamingIt() {
    ProxyRequest unknownType = request("DELETE", "NoSuchType", Map.of("identifier", List.of("x")));

    assertThatThrownBy(() -> ConditionalDeletes.narrowed(unknownType)).isInstanceOfSatisfying(FhirException.class,
        e -> {
          assertThat(e.status()).isEqualTo(502);
          assertThat(e.getMessage())
              .contains("The proxy could not search NoSuchType on " + IdentifiedPatients.upstream().name());
        });
  }

  /** A searchset of Patients with these ids, linking to {@code next} (none when null). */
  private static Answer searchset(String next, String... ids) {
    String entries = Arrays.stream(ids)
        .map(id -> "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}}")
        .collect(Collectors.joining(","));
    String link = next == null ? "" : ",\"link\":[{\"relation\":\"next\",\"url\":\"" + next + "\"}]";
    return Answer.ok("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[" + entries + "]" + link
        + "}");
  }

  private ProxyRequest delete(String value) {
    return request("DELETE", "Patient", Map.of("identifier", List.of(patients.token(value))));
  }

  private static ProxyRequest request(String method, String path, Map<String, List<String>> query) {
    return new ProxyRequest(method, List.of(path.split("/")), query, name -> null, null, null, upstream.baseUrl(),
        IdentifiedPatients.upstream(), null, null);
  }
}
