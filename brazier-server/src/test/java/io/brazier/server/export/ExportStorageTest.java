package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.server.ExportConfig;
import io.brazier.testkit.Azurite;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every export storage does, local files and Azure Blob storage (Azurite) alike: a finished file is read back
 * whole, a run that takes a file over starts from exactly what the last run synced, bytes that are not there cannot
 * be taken up, and an export's files are tidied and deleted as one folder.
 */
class ExportStorageTest {
  private static final String CONTAINER = "storage-contract";

  @TempDir
  static Path dir;

  static Stream<ExportStorage> storages() {
    ExportConfig blob = ExportConfig.builder().blob(Azurite.shared().connectionString()).container(CONTAINER)
        .links(ExportConfig.Links.SAS).build();
    return Stream.of(new LocalStorage(dir.resolve("export")), new BlobStorage(blob));
  }

  @ParameterizedTest
  @MethodSource("storages")
  void aFinishedFileIsReadBackWhole(ExportStorage storage) throws IOException {
    ExportFolder folder = folder();
    FileState state = FileState.empty("Patient", 1);

    try (ExportStorage.OpenFile file = storage.open(folder, state, "aaaa0001")) {
      file.write(bytes("{\"id\":\"1\"}"));
      file.write(bytes("{\"id\":\"2\"}"));
      file.finish(state.written(2, 22, null, List.of(), null));
    }

    assertThat(read(storage, folder, "Patient-1.ndjson")).isEqualTo("{\"id\":\"1\"}\n{\"id\":\"2\"}\n");
    assertThatThrownBy(() -> storage.read(folder, "Patient-2.ndjson")).isInstanceOf(NoSuchFileException.class);
  }

  @ParameterizedTest
  @MethodSource("storages")
  void aRunThatTakesOverStartsFromWhatWasSyncedNotWhatWasWrittenAfter(ExportStorage storage) throws IOException {
    ExportFolder folder = folder();
    FileState empty = FileState.empty("Observation", 1);
    ExportStorage.OpenFile lost = storage.open(folder, empty, "aaaa0001");
    lost.write(bytes("synced"));
    FileState synced = lost.sync(empty.written(1, 7, null, List.of(), null));
    lost.write(bytes("written after the sync"));
    lost.close();

    try (ExportStorage.OpenFile next = storage.open(folder, synced, "bbbb0002")) {
      next.write(bytes("next"));
      next.finish(synced.written(2, 12, synced.part(), synced.blocks(), synced.etag()));
    }

    assertThat(read(storage, folder, "Observation-1.ndjson")).isEqualTo("synced\nnext\n");
  }

  @ParameterizedTest
  @MethodSource("storages")
  void bytesSyncedWhereTheyAreNotCannotBeTakenUp(ExportStorage storage) {
    FileState elsewhere = new FileState("Patient", 1, 3, 30, "Patient-1.ndjson.cccc0003.part",
        List.of("Y2NjYzAwMDMtMDAwMDAwMDA="), "\"0x8D0\"");

    assertThatThrownBy(() -> storage.open(folder(), elsewhere, "dddd0004"))
        .isInstanceOf(ExportStorage.CannotResume.class);
  }

  @ParameterizedTest
  @MethodSource("storages")
  void keepOnlyDeletesThePartsOfRunsThatLostTheJobAndDeleteDeletesEverything(ExportStorage storage)
      throws IOException {
    ExportFolder folder = folder();
    write(storage, folder, FileState.empty("Patient", 1), "aaaa0001", true);
    write(storage, folder, FileState.empty("Patient", 2), "bbbb0002", false);
    write(storage, folder, FileState.empty("Condition", 1), "bbbb0002", true);

    storage.keepOnly(folder, Set.of("Patient-1.ndjson", "Condition-1.ndjson"));
    storage.keepOnly(folder(), Set.of()); // a folder never written: nothing to do

    assertThat(storage.folders()).extracting(ExportFolder::job).contains(folder.job());
    assertThat(read(storage, folder, "Patient-1.ndjson")).isEqualTo("Patient-1.ndjson\n");
    assertThat(read(storage, folder, "Condition-1.ndjson")).isEqualTo("Condition-1.ndjson\n");
    assertThatThrownBy(() -> storage.read(folder, "Patient-2.ndjson")).isInstanceOf(NoSuchFileException.class);

    storage.delete(folder);

    assertThat(storage.folders()).extracting(ExportFolder::job).doesNotContain(folder.job());
    assertThatThrownBy(() -> storage.read(folder, "Patient-1.ndjson")).isInstanceOf(NoSuchFileException.class);
  }

  @ParameterizedTest
  @MethodSource("storages")
  void theServerServesItsOwnLinksOnlyWhenTheStorageCannot(ExportStorage storage) {
    ExportFolder folder = folder();
    String server = "http://127.0.0.1:8080/fhir/_async/" + folder.job() + "/Patient-1.ndjson";

    String link = storage.link(folder, "Patient-1.ndjson", server, Instant.now().plusSeconds(60));

    if (storage.serverLinks()) {
      assertThat(link).isEqualTo(server);
    } else {
      assertThat(link).contains("/" + CONTAINER + "/" + folder.job()).contains("sp=r").contains("sig=");
      assertThat(storage.grace()).as("a download through a storage link is not seen").isPositive();
    }
  }

  /** A file holding one line, its name; finished, or synced and left as a run that lost its job leaves it. */
  private static void write(ExportStorage storage, ExportFolder folder, FileState state, String attempt,
      boolean finish) throws IOException {
    try (ExportStorage.OpenFile file = storage.open(folder, state, attempt)) {
      file.write(bytes(state.name()));
      FileState written = state.written(1, state.name().length() + 1, null, List.of(), null);
      if (finish) {
        file.finish(written);
      } else {
        file.sync(written);
      }
    }
  }

  private static ExportFolder folder() {
    return new ExportFolder(CONTAINER, UUID.randomUUID().toString());
  }

  private static String read(ExportStorage storage, ExportFolder folder, String name) throws IOException {
    try (InputStream in = storage.read(folder, name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static byte[] bytes(String line) {
    return line.getBytes(StandardCharsets.UTF_8);
  }
}
