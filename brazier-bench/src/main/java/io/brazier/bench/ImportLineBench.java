package io.brazier.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import io.brazier.fhir.Numbers;
import io.brazier.fhir.RequiredElements;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.IndexExtractor;
import io.brazier.fhir.search.Words;
import io.brazier.server.http.Body;
import io.brazier.server.interaction.Bodies;
import io.brazier.server.interaction.Links;
import io.brazier.server.interaction.Writes;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Resource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The JVM's cost per line of an import's reading, in process, on one thread and in CPU time, step by step, on a
 * fixed sample: every {@code --every}th line of each NDJSON file, so that the mix of types is the whole set's. It
 * times what {@code ImportLines} does to a line but the references (which need a store): the number check, the
 * Jackson parse, the whole write preparation ({@link Writes#unversioned}: HAPI's parse from the tree, the required
 * elements and bindings, the tree written out, the index extracted), and apart from it HAPI's parse, the required
 * elements, the extraction, and {@code _content} words. Cheaper than the full import, which also stages, merges and
 * builds indexes; on a busy machine its CPU times still vary by a third, so it is run alone, as every benchmark.
 *
 * <pre>java -cp brazier-bench.jar io.brazier.bench.ImportLineBench --ndjson DIR [--every 20] [--rounds 5]</pre>
 */
@Command(name = "import-line-bench", mixinStandardHelpOptions = true)
public final class ImportLineBench implements Runnable {
  /** CPU time, not wall time: the machine this runs on is shared, and a thread's CPU is what a line costs. */
  private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

  @Option(names = "--ndjson", required = true, description = "Folder of .ndjson(.gz) files.")
  Path ndjson;

  @Option(names = "--every", defaultValue = "20", description = "Keep one line in this many of each file.")
  int every;

  @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds, after as many warm-up rounds.")
  int rounds;

  @Option(names = "--only", description = "Time only the whole reading (for a profile).")
  boolean only;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ImportLineBench()).execute(args));
  }

  @Override
  public void run() {
    List<byte[]> lines = sample();
    Fhir fhir = new Fhir(false);
    FhirSearch search = new FhirSearch(fhir);
    Bodies bodies = new Bodies(fhir);
    Writes writes = new Writes(fhir, search, Clock.systemUTC());
    IndexExtractor extractor = search.extractor();
    List<Resource> resources = new ArrayList<>();
    List<byte[]> stored = new ArrayList<>();
    long cold = THREAD.getCurrentThreadCpuTime();
    for (byte[] line : lines) {
      Body body = bodies.tree((ObjectNode) Body.read(line));
      Writes.Unversioned staged = writes.unversioned(body, body.id(), null);
      resources.add(body.resource());
      stored.add(staged.json());
    }
    System.out.printf("%,d lines, %,d bytes; preparing them once, cold: %.1f µs of CPU per line%n", lines.size(),
        lines.stream().mapToLong(l -> l.length).sum(), (THREAD.getCurrentThreadCpuTime() - cold) / 1000.0 / lines.size());
    time("whole reading (check, Jackson, prepare)", lines, line -> {
      Numbers.check(line, Format.JSON);
      ObjectNode tree = (ObjectNode) Body.read(line);
      Body body = bodies.tree(tree);
      body.identifiers();
      Links.conditionalTypes(tree);
      writes.unversioned(body, body.id(), null);
    });
    if (only) {
      return;
    }
    time("Numbers.check", lines, line -> Numbers.check(line, Format.JSON));
    time("Jackson parse (Body.read)", lines, Body::read);
    time("Jackson parse and write", lines, line -> Body.write(Body.read(line)));
    time("Jackson parse, HAPI parse", lines, line -> fhir.parse((ObjectNode) Body.read(line)));
    time("HAPI parse of bytes", lines, line -> fhir.parse(Format.JSON, line));
    time("required elements", resources, new RequiredElements(fhir)::check);
    time("index extraction (with _content)", indexes(resources.size()),
        i -> extractor.extract(resources.get(i), stored.get(i)));
    time("_content words", stored, Words::ofJson);
  }

  private static List<Integer> indexes(int size) {
    List<Integer> indexes = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      indexes.add(i);
    }
    return indexes;
  }

  private <T> void time(String what, List<T> items, Consumer<T> step) {
    double best = Double.MAX_VALUE;
    double first = 0;
    for (int round = 0; round < 2 * rounds; round++) {
      long start = THREAD.getCurrentThreadCpuTime();
      items.forEach(step);
      double micros = (THREAD.getCurrentThreadCpuTime() - start) / 1000.0 / items.size();
      if (round == 0) {
        first = micros;
      }
      if (round >= rounds) {
        best = Math.min(best, micros);
      }
    }
    System.out.printf("%-42s %8.1f µs of CPU per line (best of %d; the first round, cold: %.1f)%n", what, best,
        rounds, first);
  }

  private List<byte[]> sample() {
    List<byte[]> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(ndjson)) {
      for (Path file : files.filter(Ndjson::isNdjson).sorted().toList()) {
        try (BufferedReader reader = Ndjson.open(file)) {
          int number = 0;
          for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (number++ % every == 0 && !line.isBlank()) {
              lines.add(line.getBytes(StandardCharsets.UTF_8));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("The sample could not be read from " + ndjson, e);
    }
    return lines;
  }
}
