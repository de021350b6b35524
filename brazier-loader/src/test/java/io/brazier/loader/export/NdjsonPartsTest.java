package io.brazier.loader.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.loader.ExportDestination;
import io.brazier.loader.ExportFile;
import io.brazier.loader.send.Json;
import io.brazier.loader.storage.FolderStorage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NdjsonPartsTest {
  @TempDir
  Path out;

  @Test
  void aTypeRollsIntoNumberedFilesAtTheSizeAndEveryLineIsKept() throws Exception {
    List<ExportFile> files;
    try (NdjsonParts parts = new NdjsonParts(destination(200), "", false)) {
      for (int i = 0; i < 10; i++) {
        parts.write(observation("obs-" + i));
      }
      parts.write(patient("p-1"));
      files = parts.finish();
    }

    assertThat(files).extracting(ExportFile::type).containsOnly("Observation", "Patient");
    assertThat(files.stream().filter(file -> file.type().equals("Observation")).mapToLong(ExportFile::count).sum())
        .isEqualTo(10);
    assertThat(files).filteredOn(file -> file.type().equals("Observation")).hasSizeGreaterThan(1)
        .allSatisfy(file -> assertThat(Files.readAllLines(Path.of(URI.create(file.url())))).hasSize(
            (int) file.count()));
    assertThat(out.resolve("Observation-1.ndjson")).exists();
    assertThat(out.resolve("Observation-2.ndjson")).exists();
  }

  @Test
  void withOnceAResourceReachedAgainIsWrittenTheFirstTimeOnly() throws Exception {
    try (NdjsonParts parts = new NdjsonParts(destination(1 << 20), "", true)) {
      assertThat(parts.write(observation("same"))).isTrue();
      assertThat(parts.write(observation("same"))).isFalse();
      assertThat(parts.write(patient("same"))).as("another type, another resource").isTrue();

      assertThat(parts.repeats()).isEqualTo(1);
      assertThat(parts.finish()).extracting(ExportFile::count).containsOnly(1L);
    }
  }

  @Test
  void whatWasNotFinishedIsDroppedOnClose() throws Exception {
    try (NdjsonParts parts = new NdjsonParts(destination(1 << 20), "error/", false)) {
      parts.write(observation("unfinished"));
    }

    assertThat(out).isEmptyDirectory();
  }

  @Test
  void filesAreStagedOnlyOnceOneIsWrittenAndNoneAreLeftOnClose(@TempDir Path temp) throws Exception {
    try (NdjsonParts parts = new NdjsonParts(destination(1 << 20), "", false, temp)) {
      assertThat(temp).as("an export killed before it writes leaves nothing").isEmptyDirectory();

      parts.write(observation("staged"));

      assertThat(temp).isNotEmptyDirectory();
    }

    assertThat(temp).isEmptyDirectory();
  }

  private ExportDestination destination(long fileMaxBytes) {
    return new ExportDestination(new FolderStorage(out), "", "", fileMaxBytes);
  }

  private static ObjectNode observation(String id) {
    return Json.object().put("resourceType", "Observation").put("id", id).put("status", "final");
  }

  private static ObjectNode patient(String id) {
    return Json.object().put("resourceType", "Patient").put("id", id);
  }
}
