package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.events.Written;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.ProxyResponse;
import io.brazier.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.junit.jupiter.api.Test;

/**
 * The conditional deletes among a batch's entries, resolved against a real server through its API: each narrowed to
 * its matches as the client wrote it, the bundle parsed once and handed on, its deletions read from what went on.
 */
class ConditionalDeleteEntriesTest {
  private static final TestServer upstream = TestServer.shared();
  private static final IGenericClient direct = upstream.client();
  private final ConditionalDeleteEntries entries = new ConditionalDeleteEntries(upstream.fhir());
  private final IdentifiedPatients patients = new IdentifiedPatients();

  @Test
  void aConditionalDeleteEntryGoesOnNarrowedToItsMatchesAndTheBundleParsedWithIt() {
    String first = patients.created("same");
    String second = patients.created("same");
    Bundle batch = batch("Patient?" + patients.criteria("same"), "Patient/" + first);

    ProxyRequest narrowed = entries.narrowed(request(batch));

    assertThat(narrowed.resource()).isInstanceOfSatisfying(Bundle.class, bundle -> {
      String url = bundle.getEntry().get(0).getRequest().getUrl();
      assertThat(url).startsWith("Patient?" + patients.criteria("same") + "&_id=");
      assertThat(url.substring(url.indexOf("&_id=") + 5).split("%2C")).containsExactlyInAnyOrder(first, second);
      assertThat(bundle.getEntry().get(1).getRequest().getUrl()).isEqualTo("Patient/" + first);
      assertThat(new String(narrowed.body(), StandardCharsets.UTF_8)).as("the body that goes on").contains(url);
    });
  }

  @Test
  void aNarrowedEntryNamesItsCriteriaInTheClientsOrderAndItsMatchesAfterThem() {
    String id = patients.created("same");
    String criteria = "Patient?" + patients.criteria("same") + "&active=true&_lastUpdated=ge2000-01-01";

    ProxyRequest narrowed = entries.narrowed(request(batch(criteria)));

    assertThat(narrowed.resource()).isInstanceOfSatisfying(Bundle.class, bundle ->
        assertThat(bundle.getEntry().get(0).getRequest().getUrl()).isEqualTo(criteria + "&_id=" + id));
  }

  @Test
  void theDeletionsAreThoseOfTheBundleThatWentOn() {
    String first = patients.created("same");
    String second = patients.created("same");
    ProxyRequest narrowed = entries.narrowed(request(batch("Patient?" + patients.criteria("same"))));
    direct.delete().resourceById("Patient", first).execute();
    direct.delete().resourceById("Patient", second).execute();
    Bundle answer = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
    answer.addEntry().getResponse().setStatus("204 No Content");

    List<Written> removed = entries.removed(narrowed, ProxyResponse.of(200, answer), List.of(), "client").removed();

    assertThat(removed).extracting(Written::id).containsExactlyInAnyOrder(first, second);
  }

  @Test
  void aBundleWithoutAConditionalDeleteGoesOnAsItCame() {
    String id = patients.created("same");
    ProxyRequest withoutDelete = request(new Bundle().setType(Bundle.BundleType.BATCH));
    ProxyRequest plainDelete = request(batch("Patient/" + id));

    assertThat(entries.narrowed(withoutDelete)).isSameAs(withoutDelete);
    assertThat(entries.narrowed(plainDelete).body()).isSameAs(plainDelete.body());
  }

  private static Bundle batch(String... deletes) {
    Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
    for (String url : deletes) {
      batch.addEntry().getRequest().setMethod(HTTPVerb.DELETE).setUrl(url);
    }
    return batch;
  }

  private static ProxyRequest request(Bundle bundle) {
    byte[] body = upstream.fhir().jsonParser().encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8);
    return new ProxyRequest("POST", List.of(), Map.of(), name -> null, body, null, upstream.baseUrl(),
        IdentifiedPatients.upstream(), null, null);
  }
}
