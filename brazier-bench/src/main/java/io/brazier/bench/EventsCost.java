package io.brazier.bench;

import com.sun.management.OperatingSystemMXBean;
import io.brazier.client.FileTrees;
import io.brazier.testkit.KafkaBroker;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The cost of publishing events on the Synthea load's own rate, in alternated pairs: two servers run side by side
 * from the start, one without events and one publishing to a Kafka broker (KRaft, in this process), each loaded
 * with the reference data and once with the patients to warm up; then, pair after pair, the same patients are
 * loaded again into each, the order alternating (off then on, on then off), so that neither side gets the JIT's
 * warm-up, the bigger database or the other's background work more often than the other. A run with events ends
 * when every write has been published; the next starts after it. Reports each pair's cost (the share of the rate
 * without events lost with them) with its median and spread, and what publishing costs per write in CPU.
 */
@Command(name = "events-cost", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Loads the same Synthea patients into a server without and a server with events, alternately.")
public final class EventsCost implements Callable<Integer> {
  private static final Duration CATCH_UP = Duration.ofMinutes(5);

  @Mixin
  SyntheaBundles bundles;

  @Mixin
  ServerOptions servers;

  @Option(names = "--pairs", defaultValue = "10", description = "Pairs of runs (default: ${DEFAULT-VALUE}).")
  int pairs;

  @Option(names = "--concurrency", defaultValue = "4", description = "Clients (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--port", defaultValue = "18080",
      description = "Port of the server without events; the other takes the next (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--jfr", defaultValue = "false",
      description = "Record each server with Java Flight Recorder (settings=profile) into <work-dir>/<off|on>/.")
  boolean jfr;

  /** A run: the load, the server's and PostgreSQL's CPU, this process's (clients and broker), and the publisher's. */
  record Run(int pair, boolean events, BundlePoster.Result load, ServerProcess.CpuTime server, double benchCpu,
      double published, double publishSeconds, double delayP99) {

    double perSecond() {
      return load.perSecond();
    }
  }

  record Pair(int number, Run off, Run on) {

    double cost() {
      return 1 - on.perSecond() / off.perSecond();
    }

    /** What a run with events spent more, per thousand messages. */
    double perThousand(ToDoubleFunction<Run> cpu) {
      return (cpu.applyAsDouble(on) - cpu.applyAsDouble(off)) / on.published() * 1000;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new EventsCost()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    Path work = servers.workDir("events-cost");
    SyntheaBundles.Split split = bundles.split();
    System.out.printf("%d reference bundles, %d patient bundles per run, %d pairs, load %s, work dir %s%n",
        split.reference().size(), split.patients().size(), pairs, Files.readString(Path.of("/proc/loadavg")).trim(),
        work);
    List<Pair> results = new ArrayList<>();
    try (KafkaBroker broker = KafkaBroker.start();
        Side off = start(work.resolve("off"), List.of(), port);
        Side on = start(work.resolve("on"), List.of("--events-kafka", broker.bootstrapServers()), port + 1)) {
      for (Side side : List.of(off, on)) {
        side.run(0, split.reference(), 1);
        side.run(0, split.patients(), concurrency); // the warm-up, not counted
      }
      for (int pair = 1; pair <= pairs; pair++) {
        Run first = (pair % 2 == 1 ? off : on).run(pair, split.patients(), concurrency);
        Run second = (pair % 2 == 1 ? on : off).run(pair, split.patients(), concurrency);
        results.add(first.events() ? new Pair(pair, second, first) : new Pair(pair, first, second));
      }
    } finally {
      for (String side : List.of("off", "on")) {
        FileTrees.delete(work.resolve(side).resolve("data"));
      }
    }
    print(results);
    return 0;
  }

  private Side start(Path dir, List<String> serverArgs, int port) throws IOException {
    Files.createDirectories(dir);
    List<String> javaOptions = new ArrayList<>(servers.javaOptions);
    if (jfr) {
      javaOptions.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + dir.resolve("server.jfr"));
    }
    ServerProcess server = servers.start(javaOptions, serverArgs, dir, port);
    return new Side(server, !serverArgs.isEmpty());
  }

  /** One of the two servers, and how many writes it has taken so far: as many messages are due. */
  private static final class Side implements AutoCloseable {
    private static final OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final ServerProcess server;
    private final BundlePoster poster;
    private final boolean events;
    private long written;

    Side(ServerProcess server, boolean events) {
      this.server = server;
      this.poster = new BundlePoster(server.baseUrl());
      this.events = events;
    }

    /** Loads {@code files}; with events, returns once every write is published. */
    Run run(int pair, List<Path> files, int clients) {
      String metricsBefore = events ? server.metrics() : "";
      ServerProcess.CpuTime cpuBefore = server.cpu();
      long benchCpuBefore = os.getProcessCpuTime();
      long started = System.nanoTime();
      BundlePoster.Result load = poster.post(files, clients);
      if (load.failed() + load.rejectedBundles() > 0) {
        throw new IllegalStateException(load.failed() + " entries failed, " + load.rejectedBundles()
            + " bundles were rejected: see the server's log");
      }
      written += load.succeeded();
      Run run = events ? published(pair, load, metricsBefore, cpuBefore, benchCpuBefore, started)
          : new Run(pair, false, load, server.cpu().minus(cpuBefore),
              (os.getProcessCpuTime() - benchCpuBefore) / 1e9, 0, 0, 0);
      if (pair > 0) {
        System.out.printf("pair=%d events=%s seconds=%.1f resources/s=%.0f serverCpu=%.1f postgresCpu=%.1f"
                + " benchCpu=%.1f published=%.0f publishSeconds=%.1f delayP99<=%.3f%n", pair, events ? "on" : "off",
            load.elapsed().toMillis() / 1e3, run.perSecond(), run.server().jvm().toMillis() / 1e3,
            run.server().postgres().toMillis() / 1e3, run.benchCpu(), run.published(), run.publishSeconds(),
            run.delayP99());
      }
      return run;
    }

    private Run published(int pair, BundlePoster.Result load, String metricsBefore,
        ServerProcess.CpuTime cpuBefore, long benchCpuBefore, long started) {
      EventsProbe.Caught caught = EventsProbe.awaitCaughtUp(server, written, CATCH_UP);
      return new Run(pair, true, load, server.cpu().minus(cpuBefore),
          (os.getProcessCpuTime() - benchCpuBefore) / 1e9,
          caught.published() - EventsProbe.published(metricsBefore), (caught.nanoTime() - started) / 1e9,
          EventsProbe.delayP99(metricsBefore, caught.metrics()));
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private static void print(List<Pair> pairs) {
    System.out.println();
    System.out.println("| pair | off resources/s | on resources/s | cost | JVM CPU s off / on | PostgreSQL CPU s"
        + " off / on | bench CPU s off / on | published/s | delay p99 <= s |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Pair pair : pairs) {
      Run off = pair.off();
      Run on = pair.on();
      System.out.printf("| %d | %.0f | %.0f | %.1f %% | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.0f | %.3f |%n",
          pair.number(), off.perSecond(), on.perSecond(), pair.cost() * 100, jvm(off), jvm(on), postgres(off),
          postgres(on), off.benchCpu(), on.benchCpu(), on.published() / on.publishSeconds(), on.delayP99());
    }
    System.out.println();
    List<Double> costs = pairs.stream().map(pair -> pair.cost() * 100).sorted().toList();
    System.out.printf("cost: median %.1f %%, middle half %.1f to %.1f %%, range %.1f to %.1f %%; all runs' rates"
            + " summed: %.1f %%%n", percentile(costs, 0.5), percentile(costs, 0.25), percentile(costs, 0.75),
        costs.get(0), costs.get(costs.size() - 1), 100 * (1 - rate(pairs, Pair::on) / rate(pairs, Pair::off)));
    int k = medianBound(costs.size());
    if (k > 0) {
      System.out.printf("the median lies between %.1f and %.1f %% with %.1f %% confidence (sign test)%n",
          costs.get(k - 1), costs.get(costs.size() - k), 100 * (1 - 2 * binomialTail(costs.size(), k - 1)));
    }
    System.out.printf("CPU ms more per 1,000 messages (median of the pairs): server JVM %.0f, PostgreSQL %.0f,"
            + " bench JVM (clients and broker) %.0f%n", median(pairs, EventsCost::jvm),
        median(pairs, EventsCost::postgres), median(pairs, Run::benchCpu));
  }

  /** Resources per second over every run of one side. */
  private static double rate(List<Pair> pairs, Function<Pair, Run> side) {
    return pairs.stream().mapToDouble(pair -> side.apply(pair).load().succeeded()).sum()
        / pairs.stream().mapToDouble(pair -> side.apply(pair).load().elapsed().toNanos() / 1e9).sum();
  }

  /**
   * The largest k for which the k-th smallest and the k-th largest of n values bound their median with at least
   * 95 % confidence (each side of the interval misses with a probability of P(Binomial(n, 1/2) < k)); 0 when n is
   * too small for any.
   */
  static int medianBound(int n) {
    int k = 0;
    while (k + 1 <= n / 2 && binomialTail(n, k) <= 0.025) {
      k++;
    }
    return k;
  }

  /** P(Binomial(n, 1/2) <= k). */
  static double binomialTail(int n, int k) {
    double sum = 0;
    double term = Math.pow(0.5, n);
    for (int i = 0; i <= k; i++) {
      sum += term;
      term = term * (n - i) / (i + 1);
    }
    return sum;
  }

  private static double median(List<Pair> pairs, ToDoubleFunction<Run> cpu) {
    return percentile(pairs.stream().map(pair -> pair.perThousand(cpu) * 1000).sorted().toList(), 0.5);
  }

  /** The {@code p} quantile of sorted {@code values}, interpolated between the two nearest. */
  static double percentile(List<Double> values, double p) {
    double index = p * (values.size() - 1);
    int below = (int) Math.floor(index);
    int above = (int) Math.ceil(index);
    return values.get(below) + (values.get(above) - values.get(below)) * (index - below);
  }

  private static double jvm(Run run) {
    return run.server().jvm().toMillis() / 1e3;
  }

  private static double postgres(Run run) {
    return run.server().postgres().toMillis() / 1e3;
  }
}
