package io.brazier.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FileTrees;
import io.brazier.client.Jackson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Imports a folder of NDJSON files (Synthea's, one file per type) with {@code $import} into a fresh server per mode,
 * as a user would: the server reads the files itself ({@code --import-dir}). Reports resources/s from kick-off to
 * the job's end (every search index built), the time and CPU (server JVM, PostgreSQL) of each phase, WAL written and
 * the server's peak memory; {@code --profile} records the server with Java Flight Recorder and prints where its CPU
 * went. With {@code --client loader} the same folder goes through the bulk loader instead ({@code brazier load}),
 * into a fresh server, for the comparison the loader is held to.
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Imports ../shared/data/synthea/ndjson into fresh Brazier servers with $import.")
public final class ImportBench implements Callable<Integer> {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  @Option(names = "--ndjson", defaultValue = "../shared/data/synthea/ndjson",
      description = "Folder of NDJSON files named <Type>.ndjson(.gz) (default: ${DEFAULT-VALUE}).")
  Path ndjson;

  @Option(names = "--mode", defaultValue = "InitialLoad,IncrementalLoad", split = ",",
      description = "Modes to run, one fresh server each (default: ${DEFAULT-VALUE}).")
  List<String> modes;

  @Mixin
  ServerOptions servers;

  @Option(names = "--port", defaultValue = "18081", description = "Port of the server (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--profile", defaultValue = "false",
      description = "Record the server with Java Flight Recorder and print its hottest methods and areas.")
  boolean profile;

  @Option(names = "--interleave", defaultValue = "false",
      description = "List files named <Type>.<n>.ndjson(.gz), chunks of each type, chunk by chunk: every type's"
          + " first chunk, then every type's second, and so on (default: the folder's alphabetical order).")
  boolean interleave;

  @Option(names = "--verify", defaultValue = "false",
      description = "After each import, check that every stored reference names a stored resource (slow).")
  boolean verify;

  @Option(names = "--client", defaultValue = "import", paramLabel = "import|loader",
      description = "import: one $import of every file, once per --mode; loader: the folder loaded by the bulk"
          + " loader (brazier load: PUT Type/id entries, conditional references resolved first), once"
          + " (default: ${DEFAULT-VALUE}).")
  String client;

  @Option(names = "--concurrency", description = "The loader's --concurrency (default: cores x 2, as brazier load).")
  Integer concurrency;

  /** A phase of the job as X-Progress names it: how long it took and the CPU it cost. */
  record Phase(String name, double seconds, ServerProcess.CpuTime cpu) {}

  /** What a client loaded into the server, its phases noted as they began (the loader has none). */
  record Loaded(long resources, long failed, List<Phase> phases) {}

  /** Loads the folder into a started server, from {@code started} (nanoTime) on. */
  private interface Client {
    Loaded load(ServerProcess server, long started, ServerProcess.CpuTime cpuBefore) throws Exception;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ImportBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(ndjson)) {
      System.err.println("No NDJSON folder at " + ndjson.toAbsolutePath().normalize() + ": give --ndjson (or"
          + " SYNTHEA_NDJSON to bench/import) the folder of <Type>.ndjson(.gz) files.");
      return 2;
    }
    Path work = servers.workDir("import-bench");
    if (client.equals("loader")) {
      return run("loader", this::loader, work.resolve("loader")) ? 0 : 1;
    }
    boolean ok = true;
    for (String mode : modes) {
      String parameters = parameters(mode);
      ok &= run(mode, (server, started, cpu) -> imported(server, parameters, started, cpu), work.resolve(mode));
    }
    return ok ? 0 : 1;
  }

  /** The Parameters of an import of every file, in the folder's (alphabetical) order or interleaved by chunk. */
  private String parameters(String mode) throws IOException {
    ObjectNode parameters = JSON.createObjectNode().put("resourceType", "Parameters");
    ArrayNode list = parameters.putArray("parameter");
    list.addObject().put("name", "inputFormat").put("valueString", "application/fhir+ndjson");
    list.addObject().put("name", "mode").put("valueString", mode);
    try (Stream<Path> files = Files.list(ndjson.toAbsolutePath())) {
      Comparator<Path> order = interleave ? Comparator.comparing(ImportBench::chunk).thenComparing(Path::getFileName)
          : Comparator.naturalOrder();
      for (Path file : files.filter(f -> f.getFileName().toString().contains(".ndjson")).sorted(order).toList()) {
        ArrayNode parts = list.addObject().put("name", "input").putArray("part");
        parts.addObject().put("name", "type").put("valueString", file.getFileName().toString().split("\\.")[0]);
        parts.addObject().put("name", "url").put("valueUri", file.toUri().toString());
      }
    }
    return parameters.toString();
  }

  /** The chunk a file name {@code <Type>.<n>.ndjson} numbers, 0 for one without. */
  private static int chunk(Path file) {
    String[] parts = file.getFileName().toString().split("\\.");
    return parts.length > 2 && parts[1].matches("[0-9]+") ? Integer.parseInt(parts[1]) : 0;
  }

  private boolean run(String label, Client loading, Path dir) throws Exception {
    Files.createDirectories(dir);
    List<String> options = new ArrayList<>(servers.javaOptions);
    if (profile) {
      options.add("-XX:StartFlightRecording=filename=" + dir.resolve("server.jfr") + ",settings=profile");
    }
    try (ServerProcess server = servers.start(options, List.of("--import-dir", ndjson.toAbsolutePath().toString()),
        dir, port)) {
      WalStats walBefore = WalStats.read(server.jdbcUrl());
      ServerProcess.CpuTime cpuBefore = server.cpu();
      long started = System.nanoTime();
      Loaded loaded = loading.load(server, started, cpuBefore);
      double seconds = (System.nanoTime() - started) / 1e9;
      ServerProcess.CpuTime cpu = server.cpu().minus(cpuBefore);
      WalStats wal = WalStats.read(server.jdbcUrl()).minus(walBefore);
      System.out.printf("%n%s: %d resources loaded, %d failed, %.1f s, %.0f resources/s, server JVM %.1f CPU s,"
          + " PostgreSQL %.1f CPU s, WAL %d MB, peak RSS %d MB%n", label, loaded.resources(), loaded.failed(),
          seconds, loaded.resources() / seconds, cpu.jvm().toMillis() / 1e3, cpu.postgres().toMillis() / 1e3,
          wal.bytes() >> 20, server.peakResidentBytes() >> 20);
      if (!loaded.phases().isEmpty()) {
        System.out.println("| phase | seconds | JVM CPU s | PostgreSQL CPU s |");
        System.out.println("|---|---:|---:|---:|");
      }
      for (Phase phase : loaded.phases()) {
        System.out.printf("| %s | %.1f | %.1f | %.1f |%n", phase.name(), phase.seconds(),
            phase.cpu().jvm().toMillis() / 1e3, phase.cpu().postgres().toMillis() / 1e3);
      }
      if (verify) {
        System.out.println("References: " + SyntheaLoad.danglingReferences(server.jdbcUrl()));
      }
      server.close();
      if (profile) {
        JfrSummary.print(dir.resolve("server.jfr"));
      }
      return loaded.failed() == 0;
    } finally {
      FileTrees.delete(dir.resolve("data"));
    }
  }

  /** One {@code $import} of every file, polled to its manifest. */
  private static Loaded imported(ServerProcess server, String parameters, long started,
      ServerProcess.CpuTime cpuBefore) throws Exception {
    String status = start(server, parameters);
    List<Phase> phases = new ArrayList<>();
    JsonNode manifest = await(server, status, phases, started, cpuBefore);
    long imported = 0;
    long failed = 0;
    for (JsonNode output : manifest.path("output")) {
      imported += output.path("count").asLong();
    }
    for (JsonNode error : manifest.path("error")) {
      failed += error.path("count").asLong();
    }
    return new Loaded(imported, failed, phases);
  }

  /** The folder's NDJSON files through the bulk loader, in this process, as {@code brazier load DIR} sends them. */
  private Loaded loader(ServerProcess server, long started, ServerProcess.CpuTime cpuBefore) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(ndjson.toAbsolutePath())) {
      files = list.filter(Ndjson::isNdjson).sorted().toList();
    }
    int clients = concurrency != null ? concurrency : Runtime.getRuntime().availableProcessors() * 2;
    BundlePoster.Result result = new LoaderClient(server.baseUrl()).post(files, clients);
    return new Loaded(result.succeeded(), result.failed() + result.rejectedBundles(), List.of());
  }

  private static String start(ServerProcess server, String parameters) throws Exception {
    HttpResponse<String> started = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(server.baseUrl() + "/$import")).header("Prefer", "respond-async")
        .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(parameters))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (started.statusCode() != 202) {
      throw new IllegalStateException("The import was refused: " + started.statusCode() + " " + started.body());
    }
    return started.headers().firstValue("Content-Location").orElseThrow();
  }

  /** The phase an X-Progress names ("reading input 3 of 24, 1000 lines read": "reading input"). */
  static String phase(String progress) {
    return progress.split("[,:]")[0].replaceAll(" [0-9]+ of [0-9]+$", "");
  }

  /** Polls the job every 100 ms to its end, noting when each phase begins; the manifest. */
  private static JsonNode await(ServerProcess server, String status, List<Phase> phases, long started,
      ServerProcess.CpuTime cpuStart) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String phase = "queued";
    long phaseStart = started;
    ServerProcess.CpuTime phaseCpu = cpuStart;
    while (true) {
      HttpResponse<byte[]> polled = http.send(HttpRequest.newBuilder(URI.create(status)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      String now = polled.statusCode() == 202 ? phase(polled.headers().firstValue("X-Progress").orElse("?"))
          : "done";
      if (!now.equals(phase)) {
        ServerProcess.CpuTime cpu = server.cpu();
        phases.add(new Phase(phase, (System.nanoTime() - phaseStart) / 1e9, cpu.minus(phaseCpu)));
        phase = now;
        phaseStart = System.nanoTime();
        phaseCpu = cpu;
      }
      if (polled.statusCode() != 202) {
        if (polled.statusCode() != 200) {
          throw new IllegalStateException("The import failed: " + new String(polled.body()));
        }
        return JSON.readTree(polled.body());
      }
      Thread.sleep(100);
    }
  }
}
