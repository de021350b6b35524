package io.brazier.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A server in a process of its own, for a test that kills it for real (SIGKILL) and then starts a node again on its
 * data: the process runs {@code main}, a class whose {@code main} starts a {@link TestServer} and hands it to
 * {@link #serve}, which prints the base URL this class waits for.
 */
public final class NodeProcess {
  private static final String URL = "url=";

  private final Process process;
  private final String baseUrl;

  private NodeProcess(Process process, String baseUrl) {
    this.process = process;
    this.baseUrl = baseUrl;
  }

  /** Starts {@code main} with {@code args} on the test's class path; returns once its server listens. */
  public static NodeProcess start(Class<?> main, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      // Never closed: the PostgreSQL of a killed node outlives it holding this pipe, and a daemon thread drains it
      // (closing would wait for that thread's read, which ends only when a restart stops that PostgreSQL).
      BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream()));
      return new NodeProcess(process, awaitUrl(output));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** For the node's {@code main}: tells the test where the server listens, and runs until killed. */
  public static void serve(TestServer server) throws InterruptedException {
    System.out.println(URL + server.baseUrl());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  /** The node's FHIR base URL. */
  public String baseUrl() {
    return baseUrl;
  }

  /** Kills the node with SIGKILL, as a crash would, and waits until it is gone. */
  public void kill() {
    try {
      process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String awaitUrl(BufferedReader output) throws IOException {
    for (String line = output.readLine(); line != null; line = output.readLine()) {
      if (line.startsWith(URL)) {
        // The rest of its log is not needed; drain it so that the process never blocks on a full pipe.
        Thread drain = new Thread(() -> output.lines().forEach(ignored -> { }));
        drain.setDaemon(true);
        drain.start();
        return line.substring(URL.length());
      }
    }
    throw new AssertionError("The node ended before printing its URL");
  }
}
