package io.brazier.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The Azurite Blob emulator (the {@code azurite} npm package pinned in the repository's package.json) for tests: a
 * fresh instance on a free loopback port with its data in a temporary folder, stopped and removed by {@link #close};
 * installed by {@link NodeModules#ensure} when {@code node_modules} lacks it. {@link #shared()} is one instance per
 * test JVM.
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
      Path azurite = NodeModules.ensure(NodeModules.repositoryRoot(), "azurite-blob");
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

  /** The folder of its data (and log). */
  Path data() {
    return data;
  }

  /** Stops it and removes its data, once every process of it has ended. */
  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    children.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    children.forEach(child -> child.onExit().join());
    process.onExit().join();
    TempFolders.delete(data);
  }
}
