package io.brazier.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * {@code brazier loader} in a JVM of its own, built from the test classpath, its output appended to
 * {@code loader.log} in its folder: a real process, to kill for real ({@link #close} is SIGKILL).
 */
final class LoaderProcess implements AutoCloseable {
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  private final Process process;
  private final Path log;

  private LoaderProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code brazier loader --dir dir} with the other arguments given. */
  static LoaderProcess start(Path dir, String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Brazier.class.getName(), "loader", "--dir", dir.toString()));
    command.addAll(List.of(arguments));
    Path log = dir.resolve("loader.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    return new LoaderProcess(process, log);
  }

  /** Waits until {@code condition} holds; fails with the loader's log if it dies or two minutes pass first. */
  void await(String what, BooleanSupplier condition) throws IOException, InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (!process.isAlive() || System.nanoTime() > end) {
        throw new AssertionError("Not " + what + " (loader alive: " + process.isAlive() + "); its log:\n"
            + Files.readString(log));
      }
      Thread.sleep(20);
    }
  }

  /** Kills the process (SIGKILL) and waits until it is gone. */
  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }
}
