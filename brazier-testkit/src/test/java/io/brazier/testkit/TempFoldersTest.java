package io.brazier.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TempFoldersTest {

  @Test
  void eachCreatedFolderIsNewEmptyAndNamedByItsPrefix() throws IOException {
    Path first = TempFolders.create("brazier-testkit");
    Path second = TempFolders.create("brazier-testkit");
    try {
      assertThat(first).isDirectory().isEmptyDirectory().isNotEqualTo(second);
      assertThat(first.getFileName().toString()).startsWith("brazier-testkit");
      assertThat(second).isDirectory().isEmptyDirectory();
    } finally {
      TempFolders.delete(first);
      TempFolders.delete(second);
    }
  }

  @Test
  void deletingRemovesTheFolderWithEverythingInIt() throws IOException {
    Path folder = TempFolders.create("brazier-testkit");
    Path nested = Files.createDirectories(folder.resolve("base/global"));
    Files.writeString(nested.resolve("pg_control"), "data");
    Files.writeString(folder.resolve("postmaster.opts"), "options");

    TempFolders.delete(folder);

    assertThat(folder).doesNotExist();
  }

  @Test
  void deletingAFolderThatIsAlreadyGoneIsFine() {
    Path folder = TempFolders.create("brazier-testkit");
    TempFolders.delete(folder);

    TempFolders.delete(folder);

    assertThat(folder).doesNotExist();
  }
}
