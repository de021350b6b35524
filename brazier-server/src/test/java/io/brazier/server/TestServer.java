package io.brazier.server;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import io.brazier.fhir.Fhir;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.sql.Database;
import io.brazier.store.sql.PostgresStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An embedded PostgreSQL and a FHIR server on a free port, started once per test JVM and shared by all tests. */
public final class TestServer {
  private static TestServer shared;

  private final Fhir fhir;
  private final PostgresStore store;
  private final FhirServer server;

  private TestServer(Path dataDir) {
    this.fhir = new Fhir(false);
    this.store = new PostgresStore(Database.open(DatabaseConfig.embedded(dataDir)), fhir.resourceTypes())
        .startChangeSequencer();
    this.server = new FhirServer(ServerConfig.defaults().withPort(0), fhir, store,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start();
  }

  public static synchronized TestServer shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("brazier-test");
        shared = new TestServer(dir);
        Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.port() + "/fhir";
  }

  public String rootUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  public IGenericClient client() {
    fhir.context().getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    // The first $validate may wait for the validator's warm-up, longer than the default 10 s on a busy machine.
    fhir.context().getRestfulClientFactory().setSocketTimeout(60_000);
    return fhir.context().newRestfulGenericClient(baseUrl());
  }

  /** Another server on the same database with other settings, for tests of options; close it when done. */
  public FhirServer startServer(ServerConfig config) {
    return new FhirServer(config.withPort(0), fhir, store, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
        .start();
  }

  /** A client of a server started by {@link #startServer}. */
  public IGenericClient client(FhirServer other) {
    fhir.context().getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    return fhir.context().newRestfulGenericClient("http://127.0.0.1:" + other.port() + "/fhir");
  }

  /** How many versions have been written so far (the change feed's length): a rejected request leaves it unchanged. */
  public int writeCount() {
    return store.changes(0, Integer.MAX_VALUE).size();
  }

  public Fhir fhir() {
    return fhir;
  }

  public PostgresStore store() {
    return store;
  }

  private void close() {
    server.close();
    store.close();
  }
}
