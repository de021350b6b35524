package io.brazier.app;

import io.brazier.loader.FhirTarget;
import io.brazier.loader.HttpFhirTarget;
import io.brazier.server.FhirServer;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The seam where a loader running inside {@code brazier serve} reaches its own server. For now it goes over HTTP to
 * the server's loopback address; the server's in-process API ({@code FhirApi.handle(FhirRequest)}, which never
 * throws) will plug in here as a {@link FhirTarget} that maps a call to a request and the response back, without
 * the network.
 */
final class LoaderTargets {
  private LoaderTargets() {}

  static HttpFhirTarget inProcess(FhirServer server, String host) {
    String address = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    return new HttpFhirTarget(URI.create("http://" + address + ":" + server.port() + "/fhir"), Optional.empty(),
        Duration.ofMinutes(5));
  }
}
