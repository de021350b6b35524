package io.brazier.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code brazier serve} in a JVM of its own, built from the test classpath, with its embedded PostgreSQL in a data
 * directory: a real process, to kill for real.
 */
final class ServeProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("FHIR server listening url=(http://\\S+/fhir)");
  private static final Duration START_LIMIT = Duration.ofMinutes(5);

  private final Process process;
  private final Path dataDir;
  private final Path log;
  private final String baseUrl;

  private ServeProcess(Process process, Path dataDir, Path log, String baseUrl) {
    this.process = process;
    this.dataDir = dataDir;
    this.log = log;
    this.baseUrl = baseUrl;
  }

  /** Starts {@code brazier serve} on a free port and waits until it listens; its output goes to {@code log}. */
  static ServeProcess start(Path dataDir, Path log) throws InterruptedException {
    // The test classpath holds other modules' logback-test.xml too: the server logs as it does in production. The
    // quick compiler alone and one GC thread start a short-lived server in half the time on a busy machine.
    List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx768m",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dlogback.configurationFile=logback.xml",
        "-cp", System.getProperty("java.class.path"), Brazier.class.getName(), "serve", "--port", "0",
        "--data-dir", dataDir.toString());
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
      return new ServeProcess(process, dataDir, log, awaitListening(process, log));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start " + command, e);
    }
  }

  private static String awaitListening(Process process, Path log) throws InterruptedException {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher listening = LISTENING.matcher(read(log));
      if (listening.find() && answers(listening.group(1) + "/metadata")) {
        return listening.group(1);
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("brazier serve exited with " + process.exitValue() + ":\n" + read(log));
      }
      Thread.sleep(200);
    }
    process.destroyForcibly();
    throw new IllegalStateException("brazier serve did not listen within " + START_LIMIT + ":\n" + read(log));
  }

  private static boolean answers(String url) throws InterruptedException {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  String baseUrl() {
    return baseUrl;
  }

  /** Everything the server wrote so far. */
  String log() {
    return read(log);
  }

  /** The embedded PostgreSQL, as its postmaster.pid names it, while that process runs. */
  Optional<ProcessHandle> postgres() {
    return postgres(dataDir);
  }

  static Optional<ProcessHandle> postgres(Path dataDir) {
    try {
      String pid = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(0).trim();
      return ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** SIGKILL, as the OOM killer sends it: no shutdown hook runs. */
  void kill() {
    process.destroyForcibly();
    await(process.toHandle());
  }

  /** SIGKILL to the server and, at the same moment, to every process of its PostgreSQL, as a power cut ends them. */
  void killWithPostgres() {
    ProcessHandle postmaster = postgres().orElseThrow();
    List<ProcessHandle> all = Stream.concat(Stream.of(process.toHandle(), postmaster), postmaster.descendants())
        .toList();
    all.forEach(ProcessHandle::destroyForcibly);
    all.forEach(ServeProcess::await);
  }

  /** SIGTERM, as an operator or a service manager stops it: the shutdown hook stops the server and PostgreSQL. */
  @Override
  public void close() {
    process.destroy();
    await(process.toHandle());
  }

  /**
   * Stops what a failed test may have left: this server, and a PostgreSQL running in its data directory.
   */
  static void stopEverything(ServeProcess server, Path dataDir) {
    if (server != null && server.process.isAlive()) {
      server.process.destroyForcibly();
      await(server.process.toHandle());
    }
    postgres(dataDir).ifPresent(postgres -> {
      postgres.destroy();
      await(postgres);
    });
  }

  private static void await(ProcessHandle process) {
    try {
      process.onExit().get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException("Process " + process.pid() + " did not exit", e);
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
