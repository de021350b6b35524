package io.brazier.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Blob emulator, started for real: one instance per caller, gone with its data once closed. */
class AzuriteTest {

  @Test
  void anInstanceAnswersOnItsEndpointUntilClosedAndLeavesNoDataBehind() throws Exception {
    Azurite azurite = Azurite.start();
    Path data = azurite.data();
    URI endpoint = URI.create(azurite.blobEndpoint() + "?comp=list");
    HttpResponse<Void> running = send(HttpClient.newHttpClient(), endpoint);

    azurite.close();

    assertThat(running.headers().firstValue("Server")).hasValueSatisfying(server ->
        assertThat(server).startsWith("Azurite-Blob"));
    assertThat(data).doesNotExist();
    HttpClient fresh = HttpClient.newHttpClient(); // no pooled connection to the stopped one
    assertThatThrownBy(() -> send(fresh, endpoint)).isInstanceOf(ConnectException.class);
  }

  @Test
  void twoInstancesHaveEndpointsAndDataOfTheirOwn() {
    try (Azurite first = Azurite.start(); Azurite second = Azurite.start()) {
      assertThat(first.blobEndpoint()).isNotEqualTo(second.blobEndpoint());
      assertThat(first.data()).isNotEqualTo(second.data());
      assertThat(first.connectionString()).contains("AccountName=" + Azurite.ACCOUNT)
          .contains("BlobEndpoint=" + first.blobEndpoint() + ";");
    }
  }

  private static HttpResponse<Void> send(HttpClient http, URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
  }
}
