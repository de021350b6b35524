package io.brazier.sync;

import io.brazier.client.HttpFhirClient;
import io.brazier.server.FhirServer;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.testkit.ClosedPort;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * A FHIR server over the shared test server's store, at a port that stays, so that a test can stop it for real and
 * start it again where an agent keeps reading it.
 */
final class StoppableFhirServer implements AutoCloseable {
  private final int port = ClosedPort.port();
  private FhirServer running;

  StoppableFhirServer start() {
    TestServer shared = TestServer.shared();
    running = new FhirServer(ServerConfig.defaults().withPort(port), shared.fhir(), shared.store(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start();
    return this;
  }

  void stop() {
    if (running != null) {
      running.close();
      running = null;
    }
  }

  /** A client of this server, whether it runs or not. */
  HttpFhirClient client() {
    return new HttpFhirClient(URI.create("http://127.0.0.1:" + port + "/fhir"), Optional.empty(),
        Duration.ofSeconds(90));
  }

  @Override
  public void close() {
    stop();
  }
}
