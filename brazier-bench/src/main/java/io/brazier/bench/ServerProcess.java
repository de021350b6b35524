package io.brazier.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Brazier server run as its own process ({@code java -jar brazier.jar serve}) on a fresh data directory, so that
 * a benchmark measures the server as users run it: its peak memory, and its embedded PostgreSQL's statistics.
 */
final class ServerProcess implements AutoCloseable {
  /** USER_HZ, the unit of /proc's CPU times: 100 on Linux's common platforms. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private final Process process;
  private final Path dataDir;
  private final int port;

  private ServerProcess(Process process, Path dataDir, int port) {
    this.process = process;
    this.dataDir = dataDir;
    this.port = port;
  }

  /** @param serverArgs more options of {@code brazier serve} ({@code --events-kafka ...}), or none */
  static ServerProcess start(Path jar, List<String> javaOptions, List<String> serverArgs, Path dataDir, int port,
      Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.addAll(List.of("-jar", jar.toString()));
    return launch(new ProcessBuilder(command), serverArgs, dataDir, port, log);
  }

  /**
   * A server started as {@code launcher} says (a java command line, or {@code ./brazier} with its environment),
   * given {@code serve --port --data-dir} and {@code serverArgs}; returned once it answers {@code /fhir/metadata}.
   */
  static ServerProcess launch(ProcessBuilder launcher, List<String> serverArgs, Path dataDir, int port, Path log) {
    List<String> command = new ArrayList<>(launcher.command());
    command.addAll(List.of("serve", "--port", Integer.toString(port), "--data-dir", dataDir.toString()));
    command.addAll(serverArgs);
    try {
      Process process = launcher.command(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
      ServerProcess server = new ServerProcess(process, dataDir, port);
      server.awaitAnswering(Duration.ofMinutes(3));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start " + command, e);
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port + "/fhir";
  }

  /** What the server's /metrics says now, in Prometheus' text format. */
  String metrics() {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the server's metrics", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The JDBC URL of the embedded PostgreSQL, read from its postmaster.pid (the fourth line is the port). */
  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postmasterLine(3) + "/postgres?user=postgres";
  }

  /** A line of postmaster.pid: 0 is the postmaster's process id, 3 its port. */
  private String postmasterLine(int index) {
    try {
      return Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(index).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("The embedded PostgreSQL of " + dataDir + " is not running", e);
    }
  }

  /** The server's peak resident memory so far, in bytes (VmHWM). */
  long peakResidentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      return -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * CPU time used so far by the server's JVM and by its embedded PostgreSQL (pg_ctl detaches the postmaster, so it
   * is found by its postmaster.pid): its processes now, and those that exited (backends, autovacuum workers), which
   * the postmaster reaped.
   */
  CpuTime cpu() {
    long postmasterPid = Long.parseLong(postmasterLine(0));
    Duration running = ProcessHandle.of(postmasterPid).stream()
        .flatMap(postmaster -> Stream.concat(Stream.of(postmaster), postmaster.descendants()))
        .map(handle -> handle.info().totalCpuDuration().orElse(Duration.ZERO))
        .reduce(Duration.ZERO, Duration::plus);
    return new CpuTime(process.info().totalCpuDuration().orElse(Duration.ZERO),
        running.plus(reapedChildrenCpu(postmasterPid)));
  }

  /** The CPU time of a process's children that exited and were waited for: cutime + cstime of /proc/pid/stat. */
  private static Duration reapedChildrenCpu(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // After the command's closing parenthesis, field 3 (state) comes first: cutime is field 16, cstime 17.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[16 - 3]) + Long.parseLong(fields[17 - 3]);
      return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
    } catch (IOException e) {
      return Duration.ZERO;
    }
  }

  record CpuTime(Duration jvm, Duration postgres) {

    CpuTime minus(CpuTime before) {
      return new CpuTime(jvm.minus(before.jvm), postgres.minus(before.postgres));
    }
  }

  /** Until the server answers FHIR requests ({@code /fhir/metadata}), as a user waits for it. */
  private void awaitAnswering(Duration timeout) {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("The server exited with " + process.exitValue() + "; see its log");
      }
      try {
        HttpResponse<Void> response = client.send(HttpRequest.newBuilder(
            URI.create(baseUrl() + "/metadata")).build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(50);
    }
    throw new IllegalStateException("The server did not answer /fhir/metadata within " + timeout);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
