package io.brazier.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * An answer as processors see it: its body read, and its resource parsed, only when asked and only once; its bytes
 * withheld once its resource was read, as a processor may have changed that resource in place.
 */
class ProxyResponseTest {
  private static final byte[] JSON = "{\"resourceType\":\"Patient\",\"id\":\"pr-1\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void anAnswerNobodyLooksIntoIsNeitherReadNorParsed() {
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger parses = new AtomicInteger();

    ProxyResponse response = lazy(reads, parses);
    response.headers().put("X-Stamp", "seen");

    assertThat(reads).hasValue(0);
    assertThat(parses).hasValue(0);
    assertThat(response.headers()).containsEntry("Content-Type", "application/fhir+json")
        .containsEntry("X-Stamp", "seen");
  }

  @Test
  void theBytesAreTheBodyAsItCameAndAskingForThemParsesNothing() {
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger parses = new AtomicInteger();
    ProxyResponse response = lazy(reads, parses);

    byte[] bytes = response.bytes();

    assertThat(bytes).isEqualTo(JSON);
    assertThat(parses).hasValue(0);
  }

  @Test
  void theResourceIsParsedOnceAndThenTheBytesAreWithheld() {
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger parses = new AtomicInteger();
    ProxyResponse response = lazy(reads, parses);

    Resource first = response.resource();
    ((Patient) first).setActive(true);
    Resource second = response.resource();

    assertThat(second).isSameAs(first);
    assertThat(parses).hasValue(1);
    assertThat(response.bytes()).as("stale once the resource may have changed").isNull();
  }

  @Test
  void anAnswerOfAProcessorsOwnHasItsResourceAndNoBytes() {
    Patient patient = new Patient();

    ProxyResponse response = ProxyResponse.of(201, patient);

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.resource()).isSameAs(patient);
    assertThat(response.bytes()).isNull();
    assertThat(response.headers()).isEmpty();
  }

  @Test
  void anAnswerOfTheServerInProcessHasNoBytes() {
    ProxyResponse response = ProxyResponse.lazy(200, Map.of(), Patient::new);

    assertThat(response.bytes()).isNull();
    assertThat(response.resource()).isInstanceOf(Patient.class);
  }

  /** An answer from the server over HTTP that counts how often its body is read and parsed. */
  private static ProxyResponse lazy(AtomicInteger reads, AtomicInteger parses) {
    return ProxyResponse.lazy(200, Map.of("Content-Type", "application/fhir+json"), () -> {
      reads.incrementAndGet();
      return JSON;
    }, () -> {
      parses.incrementAndGet();
      return new Patient().setId("pr-1");
    });
  }
}
