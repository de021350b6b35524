package io.brazier.server.interaction;

import static io.brazier.server.interaction.ReadTest.patient;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.TestServer;
import io.brazier.store.Write;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.stream.IntStream;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

class HistorySystemTest {
  private final IGenericClient client = TestServer.shared().client();

  @Test
  void systemHistoryListsTheVersionsOfEveryType() {
    IIdType patient = client.create().resource(patient("Systemic")).execute().getId().toUnqualifiedVersionless();
    Date start = client.read().resource("Patient").withId(patient.getIdPart()).execute().getMeta().getLastUpdated();
    IIdType observation = client.create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setCode(new CodeableConcept().setText("pulse"))).execute().getId().toUnqualifiedVersionless();

    Bundle history = client.history().onServer().returnBundle(Bundle.class).since(start).execute();

    assertThat(history.getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless())
        .extracting(IIdType::getValue)
        .containsExactly(observation.getValue(), patient.getValue());
  }

  @Test
  void aPageHoldsAtMostAThousandVersionsAndTheNextLinkHasTheRest() {
    Fhir fhir = TestServer.shared().fhir();
    Writes writes = new Writes(fhir, new FhirSearch(fhir), Clock.systemUTC());
    List<Write> batch = IntStream.range(0, 1100).mapToObj(i -> writes.next(patient("Many" + i), writes.newId(), null, null))
        .toList();
    TestServer.shared().store().commit(batch);
    Date start = Date.from(batch.get(0).lastUpdated());

    Bundle first = client.history().onServer().returnBundle(Bundle.class).since(start).count(5000).execute();
    Bundle second = client.loadPage().next(first).execute();

    assertThat(first.getEntry()).hasSize(1000);
    assertThat(second.getEntry()).hasSize(100);
    assertThat(second.getLink(Bundle.LINK_NEXT)).isNull();
    assertThat(first.getEntry()).allSatisfy(entry -> assertThat(entry.getResource().getMeta().getVersionId())
        .isEqualTo("1"));
  }

  @Test
  void aTimeZonePlusSentUnencodedIsReadAsAPlus() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
        URI.create(TestServer.shared().baseUrl() + "/_history?_since=2024-05-01T12:00:00.000+02:00&_count=1")).build();

    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"type\":\"history\"");
  }
}
