package io.brazier.loader.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingFolderTest {
  @TempDir
  Path temp;

  @Test
  void nothingIsMadeUntilAFileIsStaged() throws Exception {
    StagingFolder staging = new StagingFolder(temp);

    assertThat(temp).as("a loader killed now leaves nothing").isEmptyDirectory();

    Path made = staging.made();
    assertThat(made.getFileName().toString())
        .startsWith("brazier-loader-export-" + ProcessHandle.current().pid() + "-");
    staging.close();
    assertThat(temp).isEmptyDirectory();
  }

  @Test
  void aFolderLeftByALoaderThatIsGoneIsRemovedWhenStagingBegins() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Path left = Files.createDirectories(temp.resolve("brazier-loader-export-" + ended.pid() + "-123"));
    Files.writeString(left.resolve("Patient-1.ndjson"), "{}\n");

    try (StagingFolder staging = new StagingFolder(temp)) {
      staging.made();

      assertThat(left).doesNotExist();
    }
  }

  @Test
  void aFolderOfALiveLoaderIsKept() throws Exception {
    Process live = new ProcessBuilder("sleep", "60").start();
    try {
      Path other = Files.createDirectories(temp.resolve("brazier-loader-export-" + live.pid() + "-123"));
      Path own = Files.createDirectories(
          temp.resolve("brazier-loader-export-" + ProcessHandle.current().pid() + "-7"));
      Path notOurs = Files.createDirectories(temp.resolve("brazier-loader-export-x"));

      try (StagingFolder staging = new StagingFolder(temp)) {
        staging.made();

        assertThat(other).isDirectory();
        assertThat(own).isDirectory();
        assertThat(notOurs).as("a name without a pid is not one of ours").isDirectory();
      }
    } finally {
      live.destroy();
      live.waitFor();
    }
  }
}
