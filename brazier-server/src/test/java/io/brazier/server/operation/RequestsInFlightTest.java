package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestsInFlightTest {
  private final RequestsInFlight requests = new RequestsInFlight();

  @Test
  void aRequestIsOpenFromItsBeginningToItsEnd() {
    assertThat(requests.anyOpen()).isFalse();

    requests.begin();
    requests.begin();
    requests.end();
    assertThat(requests.anyOpen()).isTrue();

    requests.end();
    assertThat(requests.anyOpen()).isFalse();
  }

  @Test
  void everyBeginningIsCounted() {
    requests.begin();
    requests.end();
    requests.begin();

    assertThat(requests.begun()).isEqualTo(2);
  }
}
