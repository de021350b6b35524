package io.brazier.app;

import io.brazier.client.FhirClient;
import io.brazier.fhir.Fhir;
import io.brazier.sync.Channels;
import io.brazier.sync.SyncAgent;
import io.brazier.sync.SyncConfig;
import io.brazier.sync.SyncEndpoint;
import io.brazier.sync.TargetConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;

/** A running sync agent and its endpoint, as {@code brazier serve --sync} and {@code brazier sync} start them. */
final class SyncRunner implements AutoCloseable {
  private final SyncAgent agent;
  private final SyncEndpoint endpoint;

  private SyncRunner(SyncAgent agent, SyncEndpoint endpoint) {
    this.agent = agent;
    this.endpoint = endpoint;
  }

  /**
   * @throws io.brazier.sync.map.MapException when the maps are wrong
   * @throws IllegalStateException when the target cannot be used
   */
  static SyncRunner start(FhirClient fhir, Fhir context, TargetConfig target, SyncConfig config, Channels channels,
      String host, int port, PrometheusMeterRegistry registry) throws IOException {
    SyncAgent agent = SyncAgent.start(fhir, context, target, config, channels, registry);
    try {
      return new SyncRunner(agent, new SyncEndpoint(agent, registry::scrape, host, port).start());
    } catch (IOException | RuntimeException e) {
      agent.close();
      throw e;
    }
  }

  SyncAgent agent() {
    return agent;
  }

  int port() {
    return endpoint.port();
  }

  @Override
  public void close() {
    endpoint.close();
    agent.close();
  }
}
