package io.brazier.proxy.isolation;

import static io.brazier.proxy.isolation.TwoPatients.ADMINISTRATOR;
import static io.brazier.proxy.isolation.TwoPatients.FIRST;
import static io.brazier.proxy.isolation.TwoPatients.SECOND;
import static io.brazier.proxy.isolation.TwoPatients.SECURED;
import static io.brazier.proxy.isolation.TwoPatients.client;
import static io.brazier.proxy.isolation.TwoPatients.patientToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import io.brazier.server.Caller;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.TestServer;
import io.brazier.server.http.StoredBundle;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Page links are bound to the caller and the search they were given for: the caller follows its own, while another
 * patient, an Administrator, a changed link or a cursor of a search made elsewhere is refused with 403.
 */
class PagingCursorsTest {
  private static final IGenericClient FIRSTS = client(patientToken(FIRST, "patient/*.rs"));
  private static String next;

  @BeforeAll
  static void aSearchOfTheFirstPatient() {
    TwoPatients.load();
    next = FIRSTS.search().forResource(Observation.class).count(2).returnBundle(Bundle.class).execute()
        .getLink("next").getUrl();
  }

  @Test
  void theCallerFollowsItsOwnLinksToTheEndAndTheyHoldNothingOfAnotherPatient() {
    Bundle page = FIRSTS.search().forResource(Observation.class).count(5).returnBundle(Bundle.class).execute();
    Set<String> subjects = new HashSet<>();
    int total = page.getTotal();
    int seen = 0;
    while (true) {
      for (Bundle.BundleEntryComponent entry : page.getEntry()) {
        subjects.add(((Observation) entry.getResource()).getSubject().getReference());
        seen++;
      }
      if (page.getLink("next") == null) {
        break;
      }
      page = FIRSTS.loadPage().next(page).execute();
    }

    assertThat(seen).isEqualTo(total).isGreaterThan(5);
    assertThat(subjects).allSatisfy(subject -> assertThat(subject).endsWith(FIRST));
  }

  @Test
  void aLinkFollowedByAnotherCallerIsRefused() {
    IGenericClient seconds = client(patientToken(SECOND, "patient/*.rs"));

    assertThat(FIRSTS.loadPage().byUrl(next).andReturnBundle(Bundle.class).execute().getEntry()).isNotEmpty();
    assertRefused(seconds, next);
    assertRefused(client(ADMINISTRATOR), next);
  }

  @Test
  void aChangedLinkIsRefused() {
    String cursor = next.substring(next.indexOf("_cursor=") + "_cursor=".length()).split("&")[0];
    char last = cursor.charAt(cursor.length() - 1);
    String tampered = cursor.substring(0, cursor.length() - 1) + (last == 'A' ? 'B' : 'A');

    assertRefused(FIRSTS, next.replace("_count=2", "_count=3"));
    assertRefused(FIRSTS, next + "&subject=Patient/" + SECOND);
    assertRefused(FIRSTS, next.replace(cursor, tampered));
    assertRefused(FIRSTS, next.replace(cursor, "bm90IGEgY3Vyc29y"));
  }

  @Test
  void aCursorOfASearchMadeWithoutTheProxyIsRefused() {
    TestServer unsecured = TestServer.shared();
    String elsewhere = unsecured.client().search().forResource(Observation.class).count(2)
        .returnBundle(Bundle.class).execute().getLink("next").getUrl();

    String borrowed = SECURED.baseUrl() + elsewhere.substring(unsecured.baseUrl().length());

    assertRefused(FIRSTS, borrowed);
  }

  /**
   * A link whose URL only starts as the base does ({@code http://h/fhirX} for the base {@code http://h/fhir}) is none
   * of the server's: it is left as it came, while the link below the base has its cursor sealed.
   */
  @Test
  void aLinkOnALookAlikeOfTheBaseIsLeftAsItCame() {
    PagingCursors cursors = new PagingCursors(CursorSeal.of(TestServer.shared().database().dataSource()));
    FhirRequest request = new FhirRequest("GET", List.of("Observation"), Map.of(), name -> null, null,
        "http://h/fhir").withCaller(new Caller("https://issuer", "someone", "a-client", Set.of(), Set.of(), null,
        null, null));
    Bundle page = new Bundle();
    page.addLink().setRelation("next").setUrl("http://h/fhirX/Observation?_cursor=abc");
    page.addLink().setRelation("self").setUrl("http://h/fhir/Observation?_cursor=abc");

    cursors.after(request, FhirResponse.ok(new StoredBundle(page, List.of())));

    assertThat(page.getLink("next").getUrl()).isEqualTo("http://h/fhirX/Observation?_cursor=abc");
    assertThat(page.getLink("self").getUrl()).startsWith("http://h/fhir/Observation?_cursor=")
        .isNotEqualTo("http://h/fhir/Observation?_cursor=abc");
  }

  private static void assertRefused(IGenericClient client, String url) {
    assertThatThrownBy(() -> client.loadPage().byUrl(url).andReturnBundle(Bundle.class).execute())
        .as(url).isInstanceOf(ForbiddenOperationException.class);
  }
}
