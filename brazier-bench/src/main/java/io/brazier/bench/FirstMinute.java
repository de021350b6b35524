package io.brazier.bench;

import io.brazier.client.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A new user's first minute (issue 19): {@code ./brazier serve} on a fresh data directory, the time until
 * {@code /fhir/metadata} answers, then the first Synthea patients loaded right away (reference data first), then the
 * same load again on the now warm server.
 */
@Command(name = "first-minute", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Start time of ./brazier serve and the rate of a cold, then warm, Synthea load.")
public final class FirstMinute implements Callable<Integer> {

  @Mixin
  SyntheaBundles bundles;

  @Option(names = "--launcher", defaultValue = "./brazier",
      description = "The command that starts Brazier, as a user runs it (default: ${DEFAULT-VALUE}).")
  Path launcher;

  @Option(names = "--clients", defaultValue = "4", description = "Clients loading the patients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--port", defaultValue = "18084", description = "Port of the server (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--work-dir", description = "Where the server keeps its data and log (default: a temp dir).")
  Path workDir;

  @Option(names = "--profile", defaultValue = "false",
      description = "Record the server with Java Flight Recorder and print where its CPU went, start and loads.")
  boolean profile;

  public static void main(String[] args) {
    System.exit(new CommandLine(new FirstMinute()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("first-minute");
    SyntheaBundles.Split split = bundles.split();
    ProcessBuilder brazier = new ProcessBuilder(launcher.toString());
    if (profile) {
      // The java command reads this beside its arguments: the recording comes on top of the launcher's own options.
      brazier.environment().put("JDK_JAVA_OPTIONS", "-XX:StartFlightRecording=filename=" + work.resolve("server.jfr")
          + ",settings=profile");
    }
    long launched = System.nanoTime();
    BundlePoster.Result cold;
    BundlePoster.Result warm;
    ServerProcess.CpuTime coldCpu;
    ServerProcess.CpuTime warmCpu;
    double startSeconds;
    try (ServerProcess server = ServerProcess.launch(brazier, List.of(), work.resolve("data"), port,
        work.resolve("server.log"))) {
      startSeconds = (System.nanoTime() - launched) / 1e9;
      BundlePoster poster = new BundlePoster(server.baseUrl());
      ServerProcess.CpuTime started = server.cpu();
      BundlePoster.Result reference = poster.post(split.reference(), 1);
      BundlePoster.Result patients = poster.post(split.patients(), clients);
      cold = sum(reference, patients);
      ServerProcess.CpuTime coldDone = server.cpu();
      warm = poster.post(split.patients(), clients);
      coldCpu = coldDone.minus(started);
      warmCpu = server.cpu().minus(coldDone);
    } finally {
      FileTrees.delete(work.resolve("data"));
    }
    System.out.printf("%n| start to /metadata | cold load (reference data, then %d patients at %d clients) | the"
        + " patients again, warm |%n|---:|---:|---:|%n| %.1f s | %.0f resources/s (%d in %.1f s) | %.0f resources/s"
        + " (%d in %.1f s) |%n%n", split.patients().size(), clients, startSeconds, cold.perSecond(),
        cold.succeeded(), seconds(cold), warm.perSecond(), warm.succeeded(), seconds(warm));
    System.out.printf("CPU per resource: cold JVM %.0f us, PostgreSQL %.0f us; warm JVM %.0f us, PostgreSQL %.0f us"
        + "%n%n", micros(coldCpu.jvm(), cold), micros(coldCpu.postgres(), cold), micros(warmCpu.jvm(), warm),
        micros(warmCpu.postgres(), warm));
    if (profile) {
      JfrSummary.print(work.resolve("server.jfr"));
    }
    return cold.failed() + warm.failed() + cold.rejectedBundles() + warm.rejectedBundles() == 0 ? 0 : 1;
  }

  private static BundlePoster.Result sum(BundlePoster.Result first, BundlePoster.Result second) {
    return new BundlePoster.Result(first.succeeded() + second.succeeded(), first.failed() + second.failed(),
        first.rejectedBundles() + second.rejectedBundles(), first.elapsed().plus(second.elapsed()));
  }

  private static double micros(Duration cpu, BundlePoster.Result result) {
    return cpu.toNanos() / 1e3 / Math.max(1, result.succeeded());
  }

  private static double seconds(BundlePoster.Result result) {
    return result.elapsed().toNanos() / 1e9;
  }
}
