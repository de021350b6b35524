package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of an export run, on local files: a series' lines go to numbered files rolled at the size limit (a line
 * never split, nor a file left empty), a change of series starts a new file, and a run that takes over from a sync
 * writes every line exactly once.
 */
class OutputTest {
  /** Three lines of 9 bytes and their newlines. */
  private static final long MAX_BYTES = 30;

  @TempDir
  Path dir;

  @Test
  void aSeriesIsRolledIntoNumberedFilesBeforeItWouldPassTheLimit() throws IOException {
    LocalStorage storage = new LocalStorage(dir);
    ExportFolder folder = folder();
    List<FileState> files;
    try (Output output = new Output(storage, folder, "aaaa0001", MAX_BYTES, new Output.Files(List.of(), null))) {
      for (int i = 1; i <= 7; i++) {
        output.write("Patient", line(i));
      }
      files = output.finish();
    }

    assertThat(files).extracting(FileState::name, FileState::count, FileState::bytes).containsExactly(
        tuple("Patient-1.ndjson", 3L, 30L),
        tuple("Patient-2.ndjson", 3L, 30L),
        tuple("Patient-3.ndjson", 1L, 10L));
    assertThat(read(storage, folder, "Patient-1.ndjson")).isEqualTo("line-0001\nline-0002\nline-0003\n");
    assertThat(read(storage, folder, "Patient-3.ndjson")).isEqualTo("line-0007\n");
  }

  @Test
  void aLineLargerThanTheLimitHasAFileOfItsOwnAndNoFileIsEmpty() throws IOException {
    LocalStorage storage = new LocalStorage(dir);
    ExportFolder folder = folder();
    byte[] large = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
    List<FileState> files;
    try (Output output = new Output(storage, folder, "aaaa0001", MAX_BYTES, new Output.Files(List.of(), null))) {
      output.write("Binary", large);
      output.write("Binary", line(1));
      files = output.finish();
    }

    assertThat(files).extracting(FileState::name, FileState::count).containsExactly(
        tuple("Binary-1.ndjson", 1L),
        tuple("Binary-2.ndjson", 1L));
    assertThat(read(storage, folder, "Binary-1.ndjson")).hasSize(101);
  }

  @Test
  void aNewSeriesStartsANewFileAndEachSeriesIsNumberedOnItsOwn() {
    LocalStorage storage = new LocalStorage(dir);
    try (Output output = new Output(storage, folder(), "aaaa0001", MAX_BYTES, new Output.Files(List.of(), null))) {
      output.write("Patient", line(1));
      output.write("Observation", line(2));
      output.write(FileState.ERROR, line(3));
      output.finishOpen();
      output.finishOpen(); // nothing open: nothing to finish

      assertThat(output.finished(List.of("Patient", "Observation"))).extracting(FileState::name)
          .containsExactly("Patient-1.ndjson", "Observation-1.ndjson");
      assertThat(output.finish()).extracting(FileState::name)
          .containsExactly("Patient-1.ndjson", "Observation-1.ndjson", "error-1.ndjson");
    }
  }

  @Test
  void aRunThatTakesOverFromASyncWritesEveryLineOnceAndNumbersOn() throws IOException {
    LocalStorage storage = new LocalStorage(dir);
    ExportFolder folder = folder();
    Output.Files synced;
    try (Output lost = new Output(storage, folder, "aaaa0001", MAX_BYTES, new Output.Files(List.of(), null))) {
      for (int i = 1; i <= 4; i++) {
        lost.write("Patient", line(i));
      }
      synced = lost.sync();
      lost.write("Patient", line(5)); // lost with its run: the next run writes it again
    }

    List<FileState> files;
    try (Output next = new Output(storage, folder, "bbbb0002", MAX_BYTES, synced)) {
      for (int i = 5; i <= 7; i++) {
        next.write("Patient", line(i));
      }
      files = next.finish();
    }

    assertThat(synced.finished()).extracting(FileState::name).containsExactly("Patient-1.ndjson");
    assertThat(synced.open()).extracting(FileState::name, FileState::count).containsExactly("Patient-2.ndjson", 1L);
    assertThat(files).extracting(FileState::name).containsExactly("Patient-1.ndjson", "Patient-2.ndjson",
        "Patient-3.ndjson");
    assertThat(read(storage, folder, "Patient-2.ndjson")).isEqualTo("line-0004\nline-0005\nline-0006\n");
    assertThat(read(storage, folder, "Patient-3.ndjson")).isEqualTo("line-0007\n");
  }

  @Test
  void aSyncWithNothingOpenSaysOnlyWhatIsFinished() {
    try (Output output = new Output(new LocalStorage(dir), folder(), "aaaa0001", MAX_BYTES,
        new Output.Files(List.of(), null))) {
      assertThat(output.sync()).isEqualTo(new Output.Files(List.of(), null));
      output.write("Patient", line(1));
      output.finishOpen();

      assertThat(output.sync().open()).isNull();
      assertThat(output.sync().finished()).extracting(FileState::name).containsExactly("Patient-1.ndjson");
    }
  }

  private static ExportFolder folder() {
    return new ExportFolder(null, UUID.randomUUID().toString());
  }

  /** A line of 9 bytes. */
  private static byte[] line(int number) {
    return String.format("line-%04d", number).getBytes(StandardCharsets.UTF_8);
  }

  private static String read(LocalStorage storage, ExportFolder folder, String name) throws IOException {
    try (InputStream in = storage.read(folder, name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
