package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export files in a local folder, on real files, beyond what every storage does ({@link ExportStorageTest}): a file
 * gets its name only once finished, the part a run takes up may have been finished since, and nothing is read or
 * written outside the export's own folder.
 */
class LocalStorageTest {
  @TempDir
  Path dir;

  @Test
  void aFileHasItsNameOnlyOnceFinishedAndHoldsEveryLineInOrder() throws IOException {
    LocalStorage storage = new LocalStorage(dir.resolve("export"));
    ExportFolder folder = folder();
    FileState state = FileState.empty("Patient", 1);

    ExportStorage.OpenFile file = storage.open(folder, state, "aaaa0001");
    file.write(bytes("{\"id\":\"1\"}"));
    file.write(bytes("{\"id\":\"2\"}"));
    FileState synced = file.sync(state.written(2, 22, null, List.of(), null));
    assertThatThrownBy(() -> storage.read(folder, "Patient-1.ndjson")).as("not finished")
        .isInstanceOf(NoSuchFileException.class);
    file.finish(synced);

    assertThat(read(storage, folder, "Patient-1.ndjson")).isEqualTo("{\"id\":\"1\"}\n{\"id\":\"2\"}\n");
    assertThat(files(folder)).containsExactly("Patient-1.ndjson");
  }

  @Test
  void aRunThatTakesOverAFileFinishedSinceItsSyncReadsItsFirstBytes() throws IOException {
    LocalStorage storage = new LocalStorage(dir.resolve("export"));
    ExportFolder folder = folder();
    ExportStorage.OpenFile first = storage.open(folder, FileState.empty("Condition", 1), "aaaa0001");
    first.write(bytes("one"));
    FileState synced = first.sync(FileState.empty("Condition", 1).written(1, 4, null, List.of(), null));
    first.write(bytes("two"));
    first.finish(synced.written(2, 8, synced.part(), List.of(), null));

    try (ExportStorage.OpenFile next = storage.open(folder, synced, "bbbb0002")) {
      next.write(bytes("two"));
      next.finish(synced.written(2, 8, synced.part(), List.of(), null));
    }

    assertThat(read(storage, folder, "Condition-1.ndjson")).isEqualTo("one\ntwo\n");
  }

  @Test
  void bytesSyncedElsewhereCannotBeResumedAndTheRunStartsAgain() throws IOException {
    LocalStorage storage = new LocalStorage(dir.resolve("export"));
    ExportFolder folder = folder();
    FileState elsewhere = new FileState("Patient", 1, 3, 30, "Patient-1.ndjson.cccc0003.part", List.of(), null);

    assertThatThrownBy(() -> storage.open(folder, elsewhere, "dddd0004"))
        .isInstanceOf(ExportStorage.CannotResume.class).hasMessageContaining("is not there");

    Files.writeString(dir.resolve("export").resolve(folder.job()).resolve("Patient-1.ndjson.cccc0003.part"), "short");
    assertThatThrownBy(() -> storage.open(folder, elsewhere, "dddd0004"))
        .isInstanceOf(ExportStorage.CannotResume.class).hasMessageContaining("holds 5 bytes, not the 30 synced");
  }

  @Test
  void aLineLongerThanTheBufferIsWrittenWholeBetweenItsNeighbours() throws IOException {
    LocalStorage storage = new LocalStorage(dir.resolve("export"));
    ExportFolder folder = folder();
    byte[] large = new byte[3 * 1024 * 1024 + 17];
    Arrays.fill(large, (byte) 'x');

    try (ExportStorage.OpenFile file = storage.open(folder, FileState.empty("Binary", 1), "aaaa0001")) {
      file.write(bytes("before"));
      file.write(large);
      file.write(bytes("after"));
      file.finish(FileState.empty("Binary", 1).written(3, large.length + 14, null, List.of(), null));
    }

    String written = read(storage, folder, "Binary-1.ndjson");
    assertThat(written).hasSize(large.length + 14);
    assertThat(written.split("\n")).containsExactly("before", new String(large, StandardCharsets.US_ASCII), "after");
  }

  @Test
  void whatIsNotAnExportsFolderIsNoExport() throws IOException {
    LocalStorage storage = new LocalStorage(dir.resolve("export"));
    ExportFolder folder = folder();
    try (ExportStorage.OpenFile file = storage.open(folder, FileState.empty("Patient", 1), "aaaa0001")) {
      file.write(bytes("{}"));
    }
    Files.createDirectories(dir.resolve("export").resolve("notes"));
    Files.writeString(dir.resolve("export").resolve(UUID.randomUUID().toString()), "a file, not a folder");

    assertThat(storage.folders()).containsExactly(new ExportFolder(null, folder.job()));
  }

  @Test
  void noPathReachesOutOfTheExportsFolder() throws IOException {
    LocalStorage storage = new LocalStorage(dir.resolve("export"));
    ExportFolder folder = folder();
    Files.writeString(dir.resolve("secret.txt"), "not the export's");
    Files.createDirectories(dir.resolve("export").resolve(folder.job()));

    assertThatThrownBy(() -> new ExportFolder(null, "../export")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not the id of an export job");
    assertThatThrownBy(() -> storage.read(folder, "../../secret.txt")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a file name of export " + folder.job());
    assertThatThrownBy(() -> storage.open(folder, FileState.empty("../../secret", 1), "aaaa0001"))
        .isInstanceOf(IllegalArgumentException.class);
    FileState reachingOut = new FileState("Patient", 1, 1, 5, "../../secret.txt", List.of(), null);
    assertThatThrownBy(() -> storage.open(folder, reachingOut, "aaaa0001"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(dir.resolve("secret.txt")).hasContent("not the export's");
  }

  @Test
  void aFolderThatCannotBeMadeIsRefusedNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "in the way");

    assertThatThrownBy(() -> new LocalStorage(file.resolve("export")))
        .hasMessageContaining("Could not make the export folder " + file.resolve("export"));
  }

  private static ExportFolder folder() {
    return new ExportFolder(null, UUID.randomUUID().toString());
  }

  private List<String> files(ExportFolder folder) throws IOException {
    try (var files = Files.list(dir.resolve("export").resolve(folder.job()))) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  private static String read(LocalStorage storage, ExportFolder folder, String name) throws IOException {
    try (InputStream in = storage.read(folder, name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static byte[] bytes(String line) {
    return line.getBytes(StandardCharsets.UTF_8);
  }
}
