package io.brazier.bench;

import io.brazier.client.FhirCall;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import io.brazier.client.FileTrees;
import io.brazier.fhir.Fhir;
import io.brazier.server.Caller;
import io.brazier.server.FhirApi;
import io.brazier.server.Interceptor;
import io.brazier.server.ServerConfig;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.sql.Database;
import io.brazier.store.sql.PostgresStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the interceptor chain costs a read (issue 8: empty, under 1 % of read throughput): one Observation read in
 * process, through the whole API (routing, the chain, the store, the JSON answer), with no interceptor, and with
 * one or four that pass every request and response through unchanged. Run by {@code bench/interceptors}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 3, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 4, time = 5)
@Measurement(iterations = 6, time = 5)
public class InterceptorChainBench {
  private static final String OBSERVATION = """
      {"resourceType": "Observation", "id": "read", "status": "final",
       "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2"}]},
       "valueQuantity": {"value": 172.4, "unit": "cm"}}""";

  @Param({"0", "1", "4"})
  public int interceptors;

  private Path dataDir;
  private Database database;
  private PostgresStore store;
  private FhirClient api;

  @Setup
  public void start() throws IOException {
    dataDir = Files.createTempDirectory("brazier-chain-bench");
    database = Database.open(DatabaseConfig.embedded(dataDir));
    Fhir fhir = new Fhir(false);
    store = new PostgresStore(database, fhir.resourceTypes());
    Interceptor passThrough = new Interceptor() {};
    api = new FhirApi(fhir, store, ServerConfig.defaults(), Collections.nCopies(interceptors, passThrough))
        .client(Caller.system("bench"), "");
    FhirReply stored = api.send(new FhirCall("PUT", "Observation/read",
        Map.of("Content-Type", "application/fhir+json"), OBSERVATION.getBytes(StandardCharsets.UTF_8)));
    if (!stored.ok()) {
      throw new IllegalStateException("Storing the Observation failed: " + stored.status());
    }
  }

  @Benchmark
  public FhirReply read() throws IOException {
    return api.get("Observation/read");
  }

  @TearDown
  public void stop() throws IOException {
    store.close();
    database.close();
    FileTrees.delete(dataDir);
  }
}
