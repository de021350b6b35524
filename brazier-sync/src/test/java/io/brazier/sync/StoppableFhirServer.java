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
 * A FHIR server at a port that stays, so that a test can stop it for real and start it again where an agent keeps
 * reading it. Over a store of its own: an agent of the shared store would first read the whole feed the other tests
 * wrote, for as long as a loaded machine takes.
 */
final class StoppableFhirServer implements AutoCloseable {
  private final int port = ClosedPort.port();
  private final TestServer store = TestServer.start(ServerConfig.defaults());
  private FhirServer running;

  StoppableFhirServer start() {
    running = new FhirServer(ServerConfig.builder().port(port).build(), store.fhir(), store.store(),
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
    store.close();
  }
}
