package io.brazier.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

/**
 * The Azurite Blob emulator (the {@code azurite} npm package pinned in the repository's package.json) for tests: a
 * fresh instance on a free loopback port with its data in a temporary folder, stopped by {@link #close}. On a fresh
 * clone where {@code node_modules} lacks it, {@code npm ci} runs first, once, under a file lock, so that test JVMs
 * starting at the same time do not install over each other. {@link #shared()} is one instance per test JVM.
 */
public final class Azurite implements AutoCloseable {
  /** Azurite's well-known development account and key (public, documented; never a real secret). */
  public static final String ACCOUNT = "devstoreaccount1";
  private static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  // Seconds on a quiet machine; minutes when other builds share the cores.
  private static final Duration START = Duration.ofMinutes(3);
  private static Azurite shared;

  private final Process process;
  private final Path data;
  private final int port;

  private Azurite(Process process, Path data, int port) {
    this.process = process;
    this.data = data;
    this.port = port;
  }

  public static synchronized Azurite shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  public static Azurite start() {
    try {
      Path root = repositoryRoot();
      Path azurite = installed(root);
      Path data = Files.createTempDirectory("azurite");
      int port = freePort();
      Process process = new ProcessBuilder(azurite.toString(), "--blobHost", "127.0.0.1", "--blobPort",
          Integer.toString(port), "--location", data.toString(), "--skipApiVersionCheck", "--loose", "--silent")
          .redirectErrorStream(true)
          .redirectOutput(data.resolve("azurite.log").toFile())
          .start();
      Azurite started = new Azurite(process, data, port);
      started.awaitListening();
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A connection string for the Azure SDK. */
  public String connectionString() {
    return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
        + blobEndpoint() + ";";
  }

  public String blobEndpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  private void awaitListening() throws IOException {
    long end = System.nanoTime() + START.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IOException("Azurite stopped at start: " + Files.readString(data.resolve("azurite.log")));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep();
      }
    }
    close();
    throw new IOException("Azurite did not listen on port " + port + " within " + START);
  }

  /** node_modules/.bin/azurite-blob, installed with npm ci when missing. */
  private static Path installed(Path root) throws IOException {
    Path binary = root.resolve("node_modules/.bin/azurite-blob");
    if (Files.isExecutable(binary)) {
      return binary;
    }
    Path lockFile = root.resolve("target/npm-ci.lock");
    Files.createDirectories(lockFile.getParent());
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      if (!Files.isExecutable(binary)) { // another JVM may have installed it while we waited
        npmCi(root);
      }
    }
    return binary;
  }

  private static void npmCi(Path root) throws IOException {
    Path log = Files.createTempFile("npm-ci", ".log");
    try {
      Process npm = new ProcessBuilder(List.of("npm", "ci", "--no-audit", "--no-fund")).directory(root.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (npm.waitFor() != 0) {
        throw new IOException("npm ci failed in " + root + ": " + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted during npm ci", e);
    }
  }

  /** The folder holding package.json, from the module's folder where Maven runs the tests. */
  private static Path repositoryRoot() throws IOException {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("package.json")) && Files.exists(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IOException("No package.json above " + Path.of("").toAbsolutePath() + ": Azurite is installed from"
        + " the repository's package.json");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
