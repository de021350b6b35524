package io.brazier.testkit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The npm tools that tests run (Azurite, newman), as pinned in the repository's {@code package.json} and installed in
 * its {@code node_modules}. On a fresh clone where a tool is missing, {@code npm ci} installs them all, under a file
 * lock ({@code .npm-ci.lock}), so that test JVMs starting at the same time do not install over each other.
 */
public final class NodeModules {
  private static final long NPM_CI_MINUTES = 10;

  private NodeModules() {}

  /** The folder holding package.json and the parent pom, from the module's folder where Maven runs the tests. */
  public static Path repositoryRoot() throws IOException {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("package.json")) && Files.exists(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IOException("No package.json above " + Path.of("").toAbsolutePath() + ": the npm tools that tests"
        + " run are installed from the repository's package.json");
  }

  /**
   * node_modules/.bin/{tool} under this root, installed with npm ci when missing. Synchronized because a JVM may hold
   * a file's lock only once: the file lock keeps other JVMs out, the monitor this JVM's other threads.
   */
  public static synchronized Path ensure(Path root, String tool) throws IOException {
    Path executable = root.resolve("node_modules/.bin").resolve(tool);
    if (Files.isExecutable(executable)) {
      return executable;
    }
    try (FileChannel channel = FileChannel.open(root.resolve(".npm-ci.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
      if (!Files.isExecutable(executable)) { // another JVM may have installed it while we waited
        npmCi(root);
      }
    }
    if (!Files.isExecutable(executable)) {
      throw new IOException("npm ci did not install " + executable + ": is " + tool + " in package.json?");
    }
    return executable;
  }

  private static void npmCi(Path root) throws IOException {
    Path log = Files.createTempFile("npm-ci", ".log");
    Process npm;
    try {
      npm = new ProcessBuilder(List.of("npm", "ci", "--no-audit", "--no-fund")).directory(root.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IOException("Node.js and npm are needed to install the npm tools that tests run (" + e.getMessage()
          + "): install them, for example with 'apt-get install nodejs npm'.", e);
    }
    try {
      if (!npm.waitFor(NPM_CI_MINUTES, TimeUnit.MINUTES)) {
        npm.destroyForcibly();
        throw new IOException("npm ci took more than " + NPM_CI_MINUTES + " minutes in " + root);
      }
      if (npm.exitValue() != 0) {
        throw new IOException("npm ci failed in " + root + ": " + Files.readString(log));
      }
    } catch (InterruptedException e) {
      npm.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted during npm ci", e);
    }
  }
}
