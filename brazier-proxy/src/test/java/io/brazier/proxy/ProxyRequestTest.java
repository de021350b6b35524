package io.brazier.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Caller;
import io.brazier.server.FhirRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * A request as processors see it: values that a processor changes by making another, and that hand back to the
 * host exactly what the processors changed.
 */
class ProxyRequestTest {
  private final FhirRequest request = FhirRequest.builder("GET", "Observation?code=x&_sort=-date")
      .header("Accept", "application/fhir+json").header("X-Request-Id", "r-1").build();
  private final ProxyRequest original = ProxyRequest.of(request, null, null, null);

  @Test
  void itReadsAsTheClientSentIt() {
    assertThat(original.method()).isEqualTo("GET");
    assertThat(original.path()).isEqualTo("Observation");
    assertThat(original.segment(0)).isEqualTo("Observation");
    assertThat(original.segment(1)).isNull();
    assertThat(original.param("_sort")).isEqualTo("-date");
    assertThat(original.param("missing")).isNull();
    assertThat(original.header("accept")).as("any case").isEqualTo("application/fhir+json");
    assertThat(original.caller()).isEqualTo(Caller.ANONYMOUS);
  }

  @Test
  void aChangedHeaderWinsInAnyCaseAndARemovedOneIsGone() {
    ProxyRequest changed = original.withHeader("accept", "application/fhir+xml").withHeader("X-REQUEST-ID", null);

    assertThat(changed.header("Accept")).isEqualTo("application/fhir+xml");
    assertThat(changed.header("x-request-id")).isNull();
    assertThat(changed.changedHeaders()).hasSize(2);
    assertThat(original.header("Accept")).as("the original is unchanged").isEqualTo("application/fhir+json");
  }

  @Test
  void aQueryParameterIsSetOrRemovedWithTheOthersKept() {
    Map<String, List<String>> sorted = original.queryWith("_sort", "date");
    Map<String, List<String>> unsorted = original.queryWith("_sort", null);

    assertThat(sorted).containsEntry("_sort", List.of("date")).containsEntry("code", List.of("x"));
    assertThat(unsorted).doesNotContainKey("_sort").containsEntry("code", List.of("x"));
    assertThat(original.query()).containsEntry("_sort", List.of("-date"));
  }

  @Test
  void theQueryKeepsTheClientsOrderAndAParameterSetNewComesLast() {
    ProxyRequest request = ProxyRequest.of(FhirRequest.builder("GET", "Patient?name=x&active=true&_count=5&gender=f")
        .build(), null, null, null);

    ProxyRequest changed = request.withQuery(request.queryWith("_id", "1,2"));

    assertThat(request.query().keySet()).containsExactly("name", "active", "_count", "gender");
    assertThat(changed.query().keySet()).containsExactly("name", "active", "_count", "gender", "_id");
  }

  @Test
  void onlyWhatTheProcessorsChangedIsAppliedToTheHostsRequest() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    ProxyRequest changed = original.withQuery(original.queryWith("_sort", null)).withHeader("Accept",
        "application/fhir+xml").withBody(body);

    FhirRequest applied = changed.appliedTo(request, original);
    FhirRequest untouched = original.appliedTo(request, original);

    assertThat(applied.query()).doesNotContainKey("_sort").containsKey("code");
    assertThat(applied.header("Accept")).isEqualTo("application/fhir+xml");
    assertThat(applied.header("X-Request-Id")).isEqualTo("r-1");
    assertThat(applied.body()).isEqualTo(body);
    assertThat(untouched).isSameAs(request);
  }

  @Test
  void aBodyParsedGoesOnWithTheRequestUntilTheBodyChanges() {
    byte[] body = "{\"resourceType\":\"Bundle\"}".getBytes(StandardCharsets.UTF_8);
    Bundle parsed = new Bundle();

    ProxyRequest handedOn = original.withBody(body, parsed).withQuery(original.queryWith("_sort", null))
        .withHeader("Accept", "application/fhir+xml");

    assertThat(handedOn.resource()).isSameAs(parsed);
    assertThat(handedOn.body()).isSameAs(body);
    assertThat(handedOn.withBody("{}".getBytes(StandardCharsets.UTF_8)).resource()).as("another body").isNull();
    assertThat(original.resource()).isNull();
  }
}
