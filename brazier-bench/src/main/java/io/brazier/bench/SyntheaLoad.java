package io.brazier.bench;

import io.brazier.client.FileTrees;
import io.brazier.testkit.KafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Loads the Synthea bundles through HTTP, as a user would: for each concurrency level, a fresh server (its own
 * process and embedded PostgreSQL), the hospital and practitioner batches first, then every patient transaction from
 * N clients at once. Reports resources/s, WAL fsyncs/s and the server's peak memory, as a Markdown table.
 */
@Command(name = "synthea-load", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Loads ../shared/data/synthea/bundles into fresh Brazier servers at several concurrencies.")
public final class SyntheaLoad implements Callable<Integer> {

  @Mixin
  SyntheaBundles bundles;

  @Mixin
  ServerOptions servers;

  @Option(names = "--concurrency", defaultValue = "1,2,4,8", split = ",",
      description = "Client counts, one fresh server each (default: ${DEFAULT-VALUE}).")
  List<Integer> concurrency;

  @Option(names = "--port", defaultValue = "18080", description = "Port of the server (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--verify", defaultValue = "false",
      description = "After each level, check that every stored reference names a stored resource (slow).")
  boolean verify;

  @Option(names = "--client", defaultValue = "poster", paramLabel = "poster|loader",
      description = "poster: the files POSTed as they are; loader: loaded by the bulk loader (brazier load), which"
          + " makes creates idempotent PUTs and resolves conditional references first (default: ${DEFAULT-VALUE}).")
  String client;
  @Option(names = "--keep-data", defaultValue = "false",
      description = "Keep each level's database in <work-dir>/c<clients>/data, for a benchmark that reads it.")
  boolean keepData;

  @Option(names = "--events", defaultValue = "false",
      description = "Publish every write to a Kafka broker (KRaft, started in this process) and report the"
          + " publisher's rate and its delay from commit to acknowledgement.")
  boolean events;

  record Row(int clients, BundlePoster.Result reference, BundlePoster.Result patients, WalStats wal,
      ServerProcess.CpuTime cpu, long peakRss, String integrity, String published) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new SyntheaLoad()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    Path work = servers.workDir("synthea-load");
    SyntheaBundles.Split split = bundles.split();
    List<Path> reference = split.reference();
    List<Path> load = split.patients();
    System.out.printf("%d reference bundles, %d patient bundles, work dir %s%n", reference.size(), load.size(), work);
    List<Row> rows = new ArrayList<>();
    try (KafkaBroker broker = events ? KafkaBroker.start() : null) {
      List<String> serverArgs = broker == null ? List.of() : List.of("--events-kafka", broker.bootstrapServers());
      for (int clients : concurrency) {
        rows.add(level(clients, reference, load, work.resolve("c" + clients), serverArgs));
        print(rows);
      }
    }
    return rows.stream().allMatch(row -> row.patients().failed() == 0 && row.patients().rejectedBundles() == 0
        && row.reference().rejectedBundles() == 0) ? 0 : 1;
  }

  private Row level(int clients, List<Path> reference, List<Path> patients, Path dir, List<String> serverArgs)
      throws IOException {
    Files.createDirectories(dir);
    try {
      return measure(clients, reference, patients, dir, serverArgs);
    } finally {
      // Each level loads a fresh database of up to 2 GB; unless asked, only the server's log is worth keeping.
      if (!keepData) {
        FileTrees.delete(dir.resolve("data"));
      }
    }
  }

  private Row measure(int clients, List<Path> reference, List<Path> patients, Path dir, List<String> serverArgs) {
    try (ServerProcess server = servers.start(serverArgs, dir, port)) {
      BundleClient poster = client.equals("loader") ? new LoaderClient(server.baseUrl())
          : new BundlePoster(server.baseUrl());
      BundlePoster.Result referenceResult = poster.post(reference, 1);
      WalStats before = WalStats.read(server.jdbcUrl());
      ServerProcess.CpuTime cpuBefore = server.cpu();
      long started = System.nanoTime();
      BundlePoster.Result patientResult = poster.post(patients, clients);
      ServerProcess.CpuTime cpu = server.cpu().minus(cpuBefore);
      String published = serverArgs.isEmpty() ? "off"
          : published(server, referenceResult.succeeded() + patientResult.succeeded(), started);
      WalStats wal = WalStats.read(server.jdbcUrl()).minus(before);
      String integrity = verify ? danglingReferences(server.jdbcUrl()) : "not checked";
      Row row = new Row(clients, referenceResult, patientResult, wal, cpu, server.peakResidentBytes(), integrity,
          published);
      System.out.printf("clients=%d resources=%d failed=%d seconds=%.1f resources/s=%.0f fsyncs/s=%.0f peakRss=%dMB%n",
          clients, patientResult.succeeded(), patientResult.failed(), seconds(patientResult),
          patientResult.perSecond(), wal.syncs() / seconds(patientResult), row.peakRss() >> 20);
      return row;
    }
  }

  /** Messages published (every write since the start, reference data included), per second of the load. */
  private static String published(ServerProcess server, long writes, long started) {
    EventsProbe.Caught caught = EventsProbe.awaitCaughtUp(server, writes, Duration.ofMinutes(10));
    double seconds = (caught.nanoTime() - started) / 1e9;
    return String.format("%.0f messages, caught up %.1f s after the load began, delay p99 <= %.3f s",
        caught.published(), seconds, caught.delayP99Seconds());
  }

  /** Counts the distinct local references in stored resources that name no stored resource. */
  static String danglingReferences(String jdbcUrl) {
    String sql = """
        WITH refs AS (
          SELECT DISTINCT ref FROM resource r,
                 jsonb_path_query(convert_from(r.body, 'UTF8')::jsonb, 'strict $.**.reference') AS j(value),
                 LATERAL (SELECT j.value #>> '{}' AS ref) x
           WHERE NOT r.deleted AND ref ~ '^[A-Z][A-Za-z]+/[A-Za-z0-9.-]+$'
        )
        SELECT count(*) FILTER (WHERE res.rid IS NULL), count(*)
          FROM refs
          LEFT JOIN resource_type t ON t.name = split_part(refs.ref, '/', 1)
          LEFT JOIN resource res ON res.type = t.id AND res.id = split_part(refs.ref, '/', 2) AND NOT res.deleted""";
    try (Connection connection = DriverManager.getConnection(jdbcUrl);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1) + " of " + row.getLong(2) + " distinct references dangle";
    } catch (SQLException e) {
      return "check failed: " + e.getMessage();
    }
  }

  private static double seconds(BundlePoster.Result result) {
    return result.elapsed().toNanos() / 1e9;
  }

  private static void print(List<Row> rows) {
    System.out.println();
    System.out.println("| clients | resources | failed | seconds | resources/s | WAL fsyncs/s | commits/s "
        + "| WAL MB | JVM CPU s | PostgreSQL CPU s | peak RSS MB | reference data (s) | integrity | events |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
    for (Row row : rows) {
      double seconds = seconds(row.patients());
      System.out.printf("| %d | %d | %d | %.1f | %.0f | %.0f | %.0f | %d | %.1f | %.1f | %d | %.1f | %s | %s |%n",
          row.clients(), row.patients().succeeded(), row.patients().failed() + row.patients().rejectedBundles(),
          seconds, row.patients().perSecond(), row.wal().syncs() / seconds, row.wal().commits() / seconds,
          row.wal().bytes() >> 20, row.cpu().jvm().toMillis() / 1e3, row.cpu().postgres().toMillis() / 1e3,
          row.peakRss() >> 20, seconds(row.reference()), row.integrity(), row.published());
    }
    System.out.println();
  }
}
