package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
  @TempDir
  Path dir;

  @Test
  void aFolderGoesWithEverythingBelowIt() throws Exception {
    Path root = dir.resolve("export");
    Files.createDirectories(root.resolve("a/b"));
    Files.writeString(root.resolve("a/b/Patient-1.ndjson"), "{}");
    Files.writeString(root.resolve("top.txt"), "x");
    Files.writeString(dir.resolve("beside.txt"), "kept");

    FileTrees.delete(root);

    assertThat(root).doesNotExist();
    assertThat(dir.resolve("beside.txt")).hasContent("kept");
  }

  @Test
  void aFolderAlreadyGoneIsFine() throws Exception {
    FileTrees.delete(dir.resolve("never-made"));

    assertThat(dir.resolve("never-made")).doesNotExist();
  }
}
