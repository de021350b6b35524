package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.testkit.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoppingTest {

  /** A command that runs until stopped: says it runs, then closes its part when the process is stopped. */
  public static final class Command {
    public static void main(String[] args) throws InterruptedException {
      Stopping stopping = Stopping.closing(() -> {
        System.out.println("closed");
        System.out.flush();
      });
      System.out.println("running");
      System.out.flush();
      stopping.await();
    }
  }

  @TempDir
  Path dir;

  @Test
  void aStoppedCommandClosesWhatItStartedBeforeItsProcessEnds() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path out = dir.resolve("out.txt");
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Command.class.getName())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    Eventually.until(Duration.ofMinutes(1), "the command's start", () -> printed(out).contains("running"));

    process.destroy(); // SIGTERM, as a service manager stops it

    assertThat(process.waitFor(1, TimeUnit.MINUTES)).as("the process ended").isTrue();
    assertThat(printed(out)).contains("closed");
  }

  private static List<String> printed(Path out) {
    try {
      return Files.readAllLines(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
