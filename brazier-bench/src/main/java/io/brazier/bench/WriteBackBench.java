package io.brazier.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Write-back latency in {@code brazier serve --sync}: patients created, their {@code contact} rows synced and their
 * sync flag turned on, then their {@code mobilephone} changed in the target at a fixed rate, round robin, as a CRM's
 * users would; the agent's {@code brazier_sync_write_back_lag_seconds} (a row's change to its write in FHIR) is read
 * when every change is written.
 */
@Command(name = "write-back-bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Latency of the sync agent's write-back: target row changes to FHIR.")
public final class WriteBackBench implements Callable<Integer> {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Mixin
  ServerOptions servers;

  @Option(names = "--patients", defaultValue = "200", description = "Patients whose rows change (default: ${DEFAULT-VALUE}).")
  int patients;

  @Option(names = "--rate", defaultValue = "50", description = "Row changes per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--seconds", defaultValue = "60", description = "How long the changes last (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--port", defaultValue = "18080", description = "Port of the server (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--sync-port", defaultValue = "18083", description = "Port of the agent (default: ${DEFAULT-VALUE}).")
  int syncPort;

  public static void main(String[] args) {
    System.exit(new CommandLine(new WriteBackBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path work = servers.workDir("write-back-bench");
    List<String> sync = List.of("--sync", "--sync-port", Integer.toString(syncPort));
    try (ServerProcess server = servers.start(sync, work, port)) {
      for (int i = 0; i < patients; i++) {
        create(server.baseUrl(), i);
      }
      try (Connection target = DriverManager.getConnection(server.jdbcUrl())) {
        waitFor(() -> count(target, "SELECT count(*) FROM crm.contact WHERE msemr_contacttype = 'Patient'")
            >= patients);
        execute(target, "UPDATE crm.contact SET msemr_azurefhirsyncenabled = true");
        waitFor(() -> count(target, "SELECT count(*) FROM crm.sync_row_change") == 0);
        changes(target);
        waitFor(() -> count(target, "SELECT count(*) FROM crm.sync_row_change") == 0);
      }
      String metrics = get("http://127.0.0.1:" + syncPort + "/metrics");
      System.out.printf("| write-back | %d/s asked for %d s | written %s | lag p50 %s s | **p99 %s s** | max %s s |%n",
          rate, seconds, metric(metrics, "brazier_sync_write_back_total\\{outcome=\"written\""),
          metric(metrics, "brazier_sync_write_back_lag_seconds\\{quantile=\"0.5\""),
          metric(metrics, "brazier_sync_write_back_lag_seconds\\{quantile=\"0.99\""),
          metric(metrics, "brazier_sync_write_back_lag_seconds_max"));
    }
    return 0;
  }

  private static void create(String base, int index) throws Exception {
    String body = "{\"resourceType\":\"Patient\",\"name\":[{\"use\":\"official\","
        + "\"family\":\"Bench" + index + "\",\"given\":[\"Row\"]}],\"telecom\":[{\"system\":\"phone\",\"use\":\"home\","
        + "\"value\":\"555-0000\"}]}";
    HTTP.send(HttpRequest.newBuilder(URI.create(base + "/Patient")).header("Content-Type", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.discarding());
  }

  /** Changes a row's mobile number at the rate asked, round robin over the patients' rows. */
  private void changes(Connection target) throws Exception {
    List<String> keys = new ArrayList<>();
    try (Statement statement = target.createStatement();
        ResultSet rows = statement.executeQuery("SELECT contactid FROM crm.contact")) {
      while (rows.next()) {
        keys.add(rows.getString(1));
      }
    }
    AtomicLong sent = new AtomicLong();
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    try (PreparedStatement update = target.prepareStatement(
        "UPDATE crm.contact SET mobilephone = ? WHERE contactid = ?::uuid")) {
      writer.scheduleAtFixedRate(() -> {
        long n = sent.incrementAndGet();
        try {
          update.setString(1, "555-" + n);
          update.setString(2, keys.get((int) (n % keys.size())));
          update.executeUpdate();
        } catch (SQLException e) {
          System.err.println("change failed: " + e.getMessage());
        }
      }, 0, 1_000_000L / rate, TimeUnit.MICROSECONDS);
      Thread.sleep(seconds * 1000L);
      writer.shutdown();
      writer.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String metric(String metrics, String name) {
    Matcher matcher = Pattern.compile(name + "[^ ]* ([0-9.eE+-]+)").matcher(metrics);
    return matcher.find() ? String.format("%.3f", Double.parseDouble(matcher.group(1))) : "?";
  }

  private static String get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static void waitFor(Await.Condition condition) throws Exception {
    Await.until(condition, Duration.ofMinutes(10), Duration.ofMillis(200));
  }
}
