package io.brazier.app;

import io.brazier.client.HttpFhirClient;
import io.brazier.server.TestServer;
import io.brazier.sync.Channels;
import io.brazier.sync.SyncConfig;
import io.brazier.sync.TargetConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** A sync agent in this JVM, syncing the shared test server into a schema of its own, its endpoint on a free port. */
final class SyncAgents {
  private SyncAgents() {}

  static SyncRunner start(SyncConfig config) throws IOException {
    return start(config, target());
  }

  /** A schema of its own in the shared test server's database. */
  static TargetConfig target() {
    var pool = TestServer.shared().database().pool();
    return new TargetConfig(pool.getJdbcUrl(), pool.getUsername(), null,
        "crm_" + UUID.randomUUID().toString().substring(0, 8), 4);
  }

  static SyncRunner start(SyncConfig config, TargetConfig target) throws IOException {
    TestServer server = TestServer.shared();
    return SyncRunner.start(new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(),
        Duration.ofSeconds(90)), server.fhir(), target, config, Channels.defaults(), "127.0.0.1", 0,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** The agent's endpoint, as {@code --agent} takes it. */
  static String address(SyncRunner runner) {
    return "http://127.0.0.1:" + runner.port() + "/";
  }
}
