package io.brazier.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How a benchmark runs its servers as processes ({@link ServerProcess}): the jar, its JVM options and the folder of
 * their data and logs. The port stays each benchmark's own, so that two can run side by side.
 */
final class ServerOptions {
  @Option(names = "--jar", defaultValue = "brazier-app/target/brazier.jar",
      description = "The server's runnable jar (default: ${DEFAULT-VALUE}).")
  Path jar;

  @Option(names = "--java-opts", defaultValue = "-Xmx2g -XX:+UseParallelGC", split = " ",
      description = "JVM options of the server (default: ${DEFAULT-VALUE}, as ./brazier runs it).")
  List<String> javaOptions;

  @Option(names = "--work-dir", description = "Where the servers keep their data and logs (default: a temp dir).")
  Path workDir;

  /** The --work-dir, created, or a new temp dir named after the benchmark. */
  Path workDir(String benchmark) throws IOException {
    return workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory(benchmark);
  }

  /** A fresh server on {@code dir}/data, logging to {@code dir}/server.log, with these JVM options. */
  ServerProcess start(List<String> javaOptions, List<String> serverArgs, Path dir, int port) {
    return ServerProcess.start(jar, javaOptions, serverArgs, dir.resolve("data"), port, dir.resolve("server.log"));
  }

  /** A fresh server on {@code dir}/data, logging to {@code dir}/server.log. */
  ServerProcess start(List<String> serverArgs, Path dir, int port) {
    return start(javaOptions, serverArgs, dir, port);
  }
}
