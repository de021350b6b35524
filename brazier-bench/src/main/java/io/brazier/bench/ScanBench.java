package io.brazier.bench;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.QueryParser;
import io.brazier.fhir.search.Terminology;
import io.brazier.server.interaction.Writes;
import io.brazier.store.AsOfScan;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.ResourceVersion;
import io.brazier.store.ScanPage;
import io.brazier.store.Write;
import io.brazier.store.sql.Database;
import io.brazier.store.sql.PostgresStore;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Resource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The as-of scan that {@code $export} will stream: the repository's Synthea sample loaded many times over (each copy
 * with its own ids) into an embedded store, then every type scanned as of the watermark, with and without writing
 * NDJSON files, with criteria, by Patient compartment, and after many resources changed since the watermark (so that
 * their versions of then come from history).
 */
@Command(name = "scan-bench", mixinStandardHelpOptions = true, description = "As-of scan benchmark.")
public final class ScanBench implements Callable<Integer> {
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  @Option(names = "--sample", defaultValue = "brazier-fhir/src/test/resources/synthea/sample.ndjson.gz",
      description = "The NDJSON sample to load.")
  Path sample;

  @Option(names = "--copies", defaultValue = "300", description = "Copies of the sample to load.")
  int copies;

  @Option(names = "--data-dir", defaultValue = "./bench-data/scan", description = "Embedded database directory.")
  Path dataDir;

  @Option(names = "--load", description = "Load the copies first (into an empty data directory).")
  boolean load;

  @Option(names = "--page", defaultValue = "5000", description = "Resources per scan page.")
  int page;

  @Mixin
  Runs runs;

  @Option(names = "--changed", defaultValue = "10000", description = "Updates of Observations after the watermark"
      + " before the last measurements: random ones, each once, up to all of them, then again in turn.")
  int changed;

  private final Fhir fhir = new Fhir(true);
  private final FhirSearch search = new FhirSearch(fhir);
  private PostgresStore store;
  /** Bytes of JSON scanned by the last scan. */
  private long bytes;

  public static void main(String[] args) {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    System.exit(new CommandLine(new ScanBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    store = new PostgresStore(Database.open(DatabaseConfig.embedded(dataDir)), fhir.resourceTypes());
    store.answerParameters(search.parameters()::rowCodes);
    List<String> lines = lines();
    if (load) {
      load(lines);
      store.vacuumAnalyze();
    }
    List<String> types = new ArrayList<>(new TreeSet<>(lines.stream().map(ScanBench::type).toList()));
    long then = store.watermark();
    timed("scan every type", () -> scan(types, then, null, null, null));
    Path out = Files.createDirectories(dataDir.resolve("export"));
    timed("scan every type to NDJSON files", () -> scan(types, then, null, null, out));
    timed("scan Observation?category=laboratory",
        () -> scan(List.of("Observation"), then, Map.of("category", List.of("laboratory")), null, null));
    List<String> patients = patients(then);
    List<String> compartmentTypes = types.stream()
        .filter(t -> t.equals("Patient") || search.compartments().params("Patient").containsKey(t)).toList();
    timed("scan the compartments of " + patients.size() + " patients",
        () -> scan(compartmentTypes, then, null, patients, null));
    update(changed);
    timed("scan Observation after " + changed + " updates since",
        () -> scan(List.of("Observation"), then, null, null, null));
    timed("scan every type after " + changed + " updates since", () -> scan(types, then, null, null, null));
    store.close();
    return 0;
  }

  private List<String> lines() throws Exception {
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader = Ndjson.open(sample)) {
      for (String line; (line = reader.readLine()) != null; ) {
        lines.add(line);
      }
    }
    return lines;
  }

  private static String type(String line) {
    int start = line.indexOf("\"resourceType\":\"") + 16;
    return line.substring(start, line.indexOf('"', start));
  }

  /**
   * Each copy's ids (and the references to them) end in the copy's number. Two threads parse and index, one copy
   * per commit.
   */
  private void load(List<String> lines) throws Exception {
    Writes writes = new Writes(fhir, search, Clock.systemUTC());
    long started = System.nanoTime();
    ExecutorService workers = Executors.newFixedThreadPool(2);
    List<Future<?>> loaded = new ArrayList<>();
    for (int copy = 0; copy < copies; copy++) {
      String suffix = "-" + copy;
      loaded.add(workers.submit(() -> {
        List<Write> batch = new ArrayList<>();
        for (String line : lines) {
          String copied = UUID.matcher(line).replaceAll(m -> m.group() + suffix);
          Resource resource = (Resource) fhir.jsonParser().parseResource(copied);
          batch.add(writes.next(resource, resource.getIdElement().getIdPart(), null, null));
        }
        store.commit(batch);
      }));
    }
    for (Future<?> copy : loaded) {
      copy.get();
    }
    workers.shutdown();
    System.out.printf("loaded %,d resources in %.1f s%n", (long) copies * lines.size(),
        (System.nanoTime() - started) / 1e9);
  }

  /** Every resource of the types as of {@code sequence}; returns how many, and counts their bytes. */
  private long scan(List<String> types, long sequence, Map<String, List<String>> criteria, List<String> patients,
      Path out) throws Exception {
    bytes = 0;
    long resources = 0;
    for (String type : types) {
      AsOfScan scan = new AsOfScan(type, sequence, criteria == null ? null : search.parser().parse(List.of(type),
          criteria, new QueryParser.Options(true, "http://localhost/fhir", Terminology.NONE)), null, page);
      if (patients != null) {
        scan = scan.inPatientCompartments(patients, search.compartments());
      }
      try (OutputStream file = out == null ? OutputStream.nullOutputStream()
          : Files.newOutputStream(out.resolve(type + ".ndjson"))) {
        OutputStream buffered = new BufferedOutputStream(file, 1 << 16);
        for (ScanPage scanned = store.scan(scan, search); ; scanned = store.scan(scan.after(scanned.next()), search)) {
          for (ResourceVersion version : scanned.versions()) {
            buffered.write(version.json());
            buffered.write('\n');
            bytes += version.json().length;
          }
          resources += scanned.versions().size();
          if (scanned.next() == null) {
            break;
          }
        }
        buffered.flush();
      }
    }
    return resources;
  }

  private List<String> patients(long sequence) {
    List<String> patients = new ArrayList<>();
    for (ResourceVersion patient : store.scan(AsOfScan.of("Patient", sequence, 100), search).versions()) {
      patients.add(patient.id());
    }
    return patients;
  }

  /**
   * Makes {@code count} updates of Observations, so that a scan as of before reads them from history: in rounds over
   * them in a random order, each updated once a round, committed 5,000 at a time.
   */
  private void update(int count) {
    Writes writes = new Writes(fhir, search, Clock.systemUTC());
    List<ResourceVersion> observations = new ArrayList<>();
    AsOfScan scan = AsOfScan.of("Observation", store.watermark(), page);
    for (ScanPage scanned = store.scan(scan, search); ; scanned = store.scan(scan.after(scanned.next()), search)) {
      observations.addAll(scanned.versions());
      if (scanned.next() == null) {
        break;
      }
    }
    Collections.shuffle(observations, new Random(1));
    List<Write> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int at = i % observations.size();
      ResourceVersion current = observations.get(at);
      Resource resource = (Resource) fhir.jsonParser().parseResource(new String(current.json(),
          StandardCharsets.UTF_8));
      Write write = writes.next(resource, current.id(), current, null);
      batch.add(write);
      observations.set(at, write.toVersion());
      if (batch.size() == 5_000 || at == observations.size() - 1 || i == count - 1) {
        store.commit(batch);
        batch = new ArrayList<>();
      }
    }
  }

  /**
   * Resources and megabytes a second of each run, the CPU seconds this process spent (the rest of the work is
   * PostgreSQL's), and the machine's load.
   */
  private void timed(String name, Runs.Measured measured) throws Exception {
    runs.time(measured, run -> System.out.printf("%s run=%d resources=%,d seconds=%.3f resources/s=%,.0f MB/s=%.1f"
        + " jvm-cpu-s=%.2f load=%s%n", name, run.number(), run.items(), run.seconds(), run.perSecond(),
        bytes / run.seconds() / 1e6, run.cpuSeconds(), run.load()));
  }
}
