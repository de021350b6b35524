package io.brazier.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ClosedPortTest {

  @Test
  void nothingAnswersAtItsAddressOrItsUrl() {
    String[] address = ClosedPort.address().split(":");
    URI url = ClosedPort.url("/fhir");

    assertThatThrownBy(() -> new Socket(address[0], Integer.parseInt(address[1])).close())
        .isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> new Socket(url.getHost(), url.getPort()).close()).isInstanceOf(ConnectException.class);
    assertThat(url.getPath()).isEqualTo("/fhir");
  }
}
