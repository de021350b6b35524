package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.ClientCredentials;
import io.brazier.client.HttpFhirClient;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.sync.Channels;
import io.brazier.sync.SyncConfig;
import io.brazier.sync.TargetConfig;
import io.brazier.testkit.ClosedPort;
import io.brazier.testkit.Eventually;
import io.brazier.testkit.ScriptedFhirServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SyncCommandTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final String SECRET = "sync-agent-secret-0123456789";

  @TempDir
  Path dir;

  @Test
  void withoutItsFhirServerOrTargetTheCommandSaysWhatIsMissing() {
    Run run = run("sync", "--target-url", "jdbc:postgresql://localhost/crm");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required option: '--fhir=URL'");
  }

  @Test
  void aTargetThatIsNotPostgresqlIsRefusedWithTheFlagToFix() {
    Run run = run("sync", "--fhir", "http://127.0.0.1:1/fhir", "--target-url", "jdbc:mysql://db/crm");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("brazier sync: --sync-target-url must be a PostgreSQL JDBC URL");
  }

  @Test
  void aFhirUrlThatIsNoFhirBaseIsRefusedAtOnceWithTheUrlToGive() {
    try (ScriptedFhirServer server = new ScriptedFhirServer("/fhir")) {
      String withoutFhir = server.baseUrl().replace("/fhir", "");

      Run run = run("sync", "--fhir", withoutFhir, "--target-url", "jdbc:postgresql://127.0.0.1:1/crm");

      assertThat(run.status()).isEqualTo(1);
      assertThat(run.err()).contains("brazier sync: No FHIR server answers at " + withoutFhir
          + ": GET metadata answered 404. Give the FHIR base URL, such as http://localhost:8080/fhir.");
    }
  }

  @Test
  void badTuningIsAUsageErrorFoundBeforeTheTargetIsReached() {
    String[] common = {"sync", "--fhir", "http://127.0.0.1:1/fhir", "--target-url",
        "jdbc:postgresql://127.0.0.1:1/crm"};

    Run workers = run(with(common, "--sync-workers", "0"));
    Run conflicts = run(with(common, "--sync-conflicts", "fhir-loses"));
    Run attempts = run(with(common, "--sync-max-attempts", "0"));
    Run page = run(with(common, "--sync-backfill-page", "1001"));

    assertThat(List.of(workers, conflicts, attempts, page)).extracting(Run::status).containsOnly(2);
    assertThat(workers.err()).contains("--sync-workers must be between 1 and 64, not 0");
    assertThat(conflicts.err()).contains("--sync-conflicts must be fhir-wins, target-wins or newest-wins");
    assertThat(attempts.err()).contains("--sync-max-attempts must be at least 1");
    assertThat(page.err()).contains("--sync-backfill-page must be between 1 and 1000, not 1001");
  }

  private static String[] with(String[] args, String... more) {
    return Stream.concat(Arrays.stream(args), Arrays.stream(more))
        .toArray(String[]::new);
  }

  @Test
  void badMapsAreRefusedNamingTheFileAndTheField() throws Exception {
    Path maps = Files.createDirectories(dir.resolve("maps"));
    Files.writeString(maps.resolve("patient.json"), "{\"resource\": \"Patient\", \"table\": \"contact\"}");
    var pool = TestServer.shared().database().pool();

    Run run = run("sync", "--fhir", TestServer.shared().baseUrl(), "--target-url", pool.getJdbcUrl(),
        "--target-user", pool.getUsername(), "--target-schema", "crm_bad_maps", "--maps", maps.toString(),
        "--sync-port", "0");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("brazier sync: patient.json: attributes: is missing");
  }

  @Test
  void theBuiltInMapsAreWrittenOutButNeverOverAnotherSet() {
    Path maps = dir.resolve("mine");

    Run first = run("sync", "maps", maps.toString());
    Run second = run("sync", "maps", maps.toString());

    assertThat(first.status()).isZero();
    assertThat(maps.resolve("patient.json")).exists();
    assertThat(second.status()).isEqualTo(1);
    assertThat(second.err()).contains("holds .json files already");
  }

  @Test
  void theSubcommandsSayWhenNoAgentAnswers() {
    String nowhere = ClosedPort.url("/").toString();

    Run run = run("sync", "dlq", "list", "--agent", nowhere);

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("No sync agent answers at " + nowhere);
  }

  @Test
  void theSubcommandsListAndReplayTheRunningAgentsDeadLettersAndQueueBackfills() throws Exception {
    TestServer server = TestServer.shared();
    var pool = server.database().pool();
    TargetConfig target = new TargetConfig(pool.getJdbcUrl(), pool.getUsername(), null, "crm_commands", 8);
    try (SyncRunner runner = SyncRunner.start(new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(),
        Duration.ofSeconds(90)),
        server.fhir(), target, SyncConfig.defaults(), Channels.defaults(), "127.0.0.1", 0,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      String agent = "http://127.0.0.1:" + runner.port() + "/";

      Run list = run("sync", "dlq", "list", "--agent", agent);
      Run replay = run("sync", "dlq", "replay", "--agent", agent);
      Run refused = run("sync", "backfill", "--agent", agent, "--types", "Person");
      Run backfill = run("sync", "backfill", "--agent", agent, "--types", "Patient");

      assertThat(list.out()).contains("No dead letters.");
      assertThat(replay.out()).contains("Replayed 0; 0 failed again.");
      assertThat(refused.status()).isEqualTo(1);
      assertThat(refused.err()).contains("Person is not a synced type");
      assertThat(backfill.status()).isZero();
      assertThat(backfill.out()).contains("queued");
    }
  }

  @Test
  void clientCredentialsWithoutTheirTokenEndpointAreRefusedWithTheFlagToAdd() {
    Run run = run("sync", "--fhir", "http://127.0.0.1:1/fhir", "--target-url", "jdbc:postgresql://localhost/crm",
        "--client-id", "sync-agent");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--client-id, --client-secret, --scope and --resource need --token-url");
  }

  /**
   * A server that wants tokens ({@code brazier serve --auth}): the agent, registered as a Reader, follows its feed
   * with client-credentials tokens from the server's token endpoint, the same options as the loader's.
   */
  @Test
  void anAgentSyncsFromAServerWithAuthenticationWithClientCredentialsTokens() throws Exception {
    Path clients = dir.resolve("clients.json");
    assertThat(run("clients", "add", "sync-agent", "--secret", SECRET, "--role", "Reader", "--clients",
        clients.toString()).status()).isZero();
    assertThat(run("clients", "add", "ward", "--secret", SECRET, "--role", "Writer", "--clients",
        clients.toString()).status()).isZero();
    Serve serve = (Serve) Brazier.commandLine(new String[0]).parseArgs("serve", "--auth", "--port", "0",
        "--data-dir", dir.resolve("data").toString(), "--clients", clients.toString()).subcommand().commandSpec()
        .userObject();
    try (Serve.Running running = serve.start()) {
      String root = "http://127.0.0.1:" + running.server().port();
      var pool = TestServer.shared().database().pool();
      TargetConfig target = new TargetConfig(pool.getJdbcUrl(), pool.getUsername(), null, "crm_auth", 8);
      SyncCommand command = (SyncCommand) Brazier.commandLine(new String[0]).parseArgs("sync", "--fhir",
          root + "/fhir", "--target-url", target.url(), "--token-url", root + "/oauth2/token", "--client-id",
          "sync-agent", "--client-secret", SECRET).subcommand().commandSpec().userObject();
      try (SyncRunner agent = SyncRunner.start(new HttpFhirClient(URI.create(root + "/fhir"),
          command.token.credentials(), Duration.ofSeconds(90)), new Fhir(false), target, SyncConfig.defaults(),
          Channels.defaults(), "127.0.0.1", 0,
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
        var writer = new Fhir(false).context().newRestfulGenericClient(root + "/fhir");
        writer.registerInterceptor(new BearerTokenAuthInterceptor(new ClientCredentials(new ClientCredentials.Config(
            URI.create(root + "/oauth2/token"), "ward", SECRET, null, null), Clock.systemUTC()).token(false)));

        Patient patient = new Patient().addName(new HumanName().setUse(HumanName.NameUse.OFFICIAL).setFamily("Tokened"));

        String id = writer.create().resource(patient).execute().getId().getIdPart();

        waitFor(() -> count(target, "SELECT count(*) FROM contact WHERE msemr_azurefhirid = '" + id
            + "' AND lastname = 'Tokened'") == 1);
      }
    }
  }

  /**
   * The agent as a process of its own, killed (kill -9) in the middle of a back-fill and started again: the back-fill
   * resumes from its last committed page, and the target ends equal to FHIR, nothing lost or doubled.
   */
  @Test
  void anAgentKilledInTheMiddleOfABackfillResumesAndTheTargetEndsEqualToFhir() throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("fhir"), ServerConfig.defaults())) {
      load(server, 30, 50);
      Path maps = dir.resolve("maps");
      run("sync", "maps", maps.toString());
      Files.writeString(maps.resolve("observation.json"), Files.readString(maps.resolve("observation.json"))
          .replace("\"table\": \"msemr_observation\",", "\"table\": \"msemr_observation\", \"enabled\": false,"));
      var pool = server.database().pool();
      TargetConfig target = new TargetConfig(pool.getJdbcUrl(), pool.getUsername(), null, "crm_crash", 8);
      int port = freePort();
      String agent = "http://127.0.0.1:" + port + "/";
      List<String> command = List.of("sync", "--fhir", server.baseUrl(), "--target-url", target.url(),
          "--target-user", target.user(), "--target-schema", target.schema(), "--maps", maps.toString(),
          "--sync-port", Integer.toString(port), "--sync-workers", "2", "--sync-backfill-page", "10");

      Process first = agentProcess(command, dir.resolve("first.log"));
      try {
        waitFor(() -> caughtUp(agent));
        Files.writeString(maps.resolve("observation.json"), Files.readString(maps.resolve("observation.json"))
            .replace(" \"enabled\": false,", ""));
        waitFor(() -> status(agent).path("maps").path("types").toString().contains("Observation"));
        assertThat(run("sync", "backfill", "--agent", agent, "--types", "Observation", "--no-wait").status())
            .isZero();
        waitFor(() -> backfilled(target) >= 100);
      } finally {
        first.destroyForcibly().waitFor();
      }
      long killedAt = backfilled(target);
      assertThat(killedAt).as("killed in the middle of the back-fill").isLessThan(1500);

      Process second = agentProcess(command, dir.resolve("second.log"));
      try {
        waitFor(() -> status(agent).path("backfills").path(0).path("status").asText().equals("done")
            && caughtUp(agent));

        assertThat(versions(target, "SELECT msemr_azurefhirid, msemr_azurefhirversion FROM msemr_observation"))
            .isEqualTo(fhirVersions(server, "Observation"));
        assertThat(versions(target, "SELECT msemr_azurefhirid, msemr_azurefhirversion FROM contact"))
            .isEqualTo(fhirVersions(server, "Patient"));
        assertThat(count(target, "SELECT count(*) FROM msemr_medicalidentifier")).isEqualTo(60);
        assertThat(count(target, "SELECT count(*) - count(DISTINCT msemr_azurefhirid) FROM msemr_observation"))
            .isZero();
        assertThat(status(agent).path("backfills").path(0).path("done").asLong())
            .as("resumed from its last page, not from the start").isLessThan(1500 + killedAt);
      } finally {
        second.destroyForcibly().waitFor();
      }
    }
  }

  /** {@code patients} patients with two identifiers each and {@code observations} observations each. */
  private static void load(TestServer server, int patients, int observations) {
    var client = server.client();
    for (int p = 0; p < patients; p++) {
      Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      Patient patient = new Patient().addName(new HumanName().setUse(HumanName.NameUse.OFFICIAL).setFamily("P" + p));
      patient.addIdentifier().setSystem("urn:mrn").setValue("mrn-" + p);
      patient.addIdentifier().setSystem("urn:ssn").setValue("ssn-" + p);
      bundle.addEntry().setFullUrl("urn:uuid:patient").setResource(patient).getRequest()
          .setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
      for (int o = 0; o < observations; o++) {
        bundle.addEntry().setResource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
            .setCode(new CodeableConcept().setText("pulse"))
            .setValue(new StringType("o" + o)).setSubject(new Reference("urn:uuid:patient"))).getRequest()
            .setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
      }
      client.transaction().withBundle(bundle).execute();
    }
  }

  private static Process agentProcess(List<String> arguments, Path log) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), "-Xmx512m", Brazier.class.getName()));
    command.addAll(arguments);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static JsonNode status(String agent) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(agent + "sync/status"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(response.body());
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }

  private static boolean caughtUp(String agent) {
    JsonNode source = status(agent).path("sources").path(0);
    return source.path("caughtUp").asBoolean() && source.path("lagChanges").asInt(-1) == 0;
  }

  private static long backfilled(TargetConfig target) {
    return count(target, "SELECT coalesce(max(done), 0) FROM sync_backfill");
  }

  private static long count(TargetConfig target, String sql) {
    try (Connection connection = DriverManager.getConnection(target.url(), target.user(), target.password());
        Statement statement = connection.createStatement()) {
      statement.execute("SET search_path = " + target.schema());
      try (ResultSet row = statement.executeQuery(sql)) {
        row.next();
        return row.getLong(1);
      }
    } catch (java.sql.SQLException e) {
      return 0; // not there yet
    }
  }

  private static Map<String, Integer> versions(TargetConfig target, String sql) throws Exception {
    Map<String, Integer> versions = new HashMap<>();
    try (Connection connection = DriverManager.getConnection(target.url(), target.user(), target.password());
        Statement statement = connection.createStatement()) {
      statement.execute("SET search_path = " + target.schema());
      try (ResultSet rows = statement.executeQuery(sql)) {
        while (rows.next()) {
          versions.put(rows.getString(1), rows.getInt(2));
        }
      }
    }
    return versions;
  }

  private static Map<String, Integer> fhirVersions(TestServer server, String type) {
    Map<String, Integer> versions = new HashMap<>();
    var client = server.client();
    Bundle page = client.search().forResource(type).count(1000).returnBundle(Bundle.class).execute();
    while (true) {
      page.getEntry().forEach(entry -> versions.put(entry.getResource().getIdElement().getIdPart(),
          Integer.valueOf(entry.getResource().getMeta().getVersionId())));
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        return versions;
      }
      page = client.loadPage().next(page).execute();
    }
  }

  private static void waitFor(BooleanSupplier condition) {
    Eventually.until(DEADLINE, "the agent's state", condition);
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Brazier.commandLine(args);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int status = commandLine.execute(args);
    return new Run(status, out.toString(), err.toString());
  }
}
