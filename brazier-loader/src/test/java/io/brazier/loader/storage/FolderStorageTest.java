package io.brazier.loader.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.loader.storage.Storage.Claim;
import io.brazier.loader.storage.Storage.Stored;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderStorageTest {
  @TempDir
  Path dir;

  @Test
  void aClaimedFileCannotBeClaimedAgainUntilReleasedByThisOrAnotherLoaderOnTheFolder() throws Exception {
    FolderStorage one = prepared();
    FolderStorage two = new FolderStorage(dir);
    Stored file = drop("a.json", "{}");

    try (Claim claim = one.claim("bundles", file).orElseThrow()) {
      assertThat(one.claim("bundles", file)).isEmpty();
      assertThat(two.claim("bundles", file)).isEmpty();
    }

    try (Claim again = two.claim("bundles", file).orElseThrow()) {
      assertThat(again).isNotNull();
    }
  }

  @Test
  void writtenFilesGetThePermissionsOfAnyNewFileNotThoseOfAPrivateTemporaryOne() throws Exception {
    FolderStorage storage = new FolderStorage(dir);
    Set<PosixFilePermission> usual = Files.getPosixFilePermissions(Files.createFile(dir.resolve("usual")));

    storage.write("export", "manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
    storage.create("bundlesprocessed", "a.json.processed.result", "{}".getBytes(StandardCharsets.UTF_8));

    assertThat(Files.getPosixFilePermissions(dir.resolve("export/manifest.json"))).isEqualTo(usual);
    assertThat(Files.getPosixFilePermissions(dir.resolve("bundlesprocessed/a.json.processed.result")))
        .isEqualTo(usual);
  }

  @Test
  void aNameWithFoldersIsWrittenIntoThemAndItsUrlFindsItButNoNameLeavesTheFolder() throws Exception {
    FolderStorage storage = new FolderStorage(dir);
    Path staged = Files.writeString(Files.createTempFile("staged", ".ndjson"), "{}");

    storage.write("export", "job-1/Patient-1.ndjson", staged);

    assertThat(dir.resolve("export/job-1/Patient-1.ndjson")).hasContent("{}");
    assertThat(Path.of(java.net.URI.create(storage.url("export", "job-1/Patient-1.ndjson"))))
        .isEqualTo(dir.resolve("export/job-1/Patient-1.ndjson"));
    assertThat(dir.resolve(".loader")).as("made only for claims and staging").doesNotExist();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> storage.write("export", "../outside.json",
        new byte[0])).hasMessageContaining("Not a name inside export");
  }

  @Test
  void attemptsOfTheSameFileAreCountedDurablyUntilItIsFinished() throws Exception {
    FolderStorage storage = prepared();
    Stored file = drop("a.json", "{}");

    try (Claim first = storage.claim("bundles", file).orElseThrow()) {
      assertThat(first.attempts()).isEqualTo(1);
    }
    try (Claim second = new FolderStorage(dir).claim("bundles", file).orElseThrow()) {
      assertThat(second.attempts()).isEqualTo(2);
      second.finish();
    }
    try (Claim afterFinish = storage.claim("bundles", file).orElseThrow()) {
      assertThat(afterFinish.attempts()).isEqualTo(1);
    }
  }

  @Test
  void aChangedFileStartsCountingAgain() throws Exception {
    FolderStorage storage = prepared();
    try (Claim first = storage.claim("bundles", drop("a.json", "{}")).orElseThrow()) {
      assertThat(first.attempts()).isEqualTo(1);
    }

    Stored changed = drop("a.json", "{\"resourceType\":\"Bundle\"}");

    try (Claim claim = storage.claim("bundles", changed).orElseThrow()) {
      assertThat(claim.attempts()).isEqualTo(1);
    }
  }

  @Test
  void writesAndMovesReplaceWhatWasThereAndListingShowsSizes() throws Exception {
    FolderStorage storage = prepared();
    storage.write("bundles", "a.json", "old".getBytes());
    storage.write("bundles", "a.json", "new content".getBytes());
    storage.write("bundlesprocessed", "a.json.processed", "stale".getBytes());

    storage.move("bundles", "a.json", "bundlesprocessed", "a.json.processed");

    assertThat(storage.list("bundles")).isEmpty();
    assertThat(storage.list("bundlesprocessed")).extracting(Stored::name, Stored::size)
        .containsExactly(org.assertj.core.api.Assertions.tuple("a.json.processed", 11L));
    assertThat(dir.resolve("bundlesprocessed/a.json.processed")).hasContent("new content");
  }

  @Test
  void createWritesANewFileButNeverReplacesOneAndLeavesNoTemporaryFileEitherWay() throws Exception {
    FolderStorage storage = prepared();

    boolean first = storage.create("bundles", "a.json", "first".getBytes());
    boolean second = storage.create("bundles", "a.json", "second".getBytes());

    assertThat(first).isTrue();
    assertThat(second).isFalse();
    assertThat(dir.resolve("bundles/a.json")).hasContent("first");
    assertThat(storage.list("bundles")).extracting(Stored::name).containsExactly("a.json");
    try (var files = Files.list(dir.resolve("bundles"))) {
      assertThat(files).hasSize(1);
    }
  }

  @Test
  void createRefusesAFileBeingLoadedAndTakesTheNameAgainOnceItIsMovedAway() throws Exception {
    FolderStorage storage = prepared();
    Stored file = drop("a.json", "loading");

    try (Claim claim = storage.claim("bundles", file).orElseThrow()) {
      assertThat(storage.create("bundles", "a.json", "next".getBytes())).isFalse();
      storage.move("bundles", "a.json", "bundlesprocessed", "a.json.processed");
      claim.finish();
    }

    assertThat(storage.create("bundles", "a.json", "next".getBytes())).isTrue();
    assertThat(dir.resolve("bundlesprocessed/a.json.processed")).hasContent("loading");
    assertThat(dir.resolve("bundles/a.json")).hasContent("next");
  }

  private FolderStorage prepared() throws Exception {
    FolderStorage storage = new FolderStorage(dir);
    storage.prepare(List.of("bundles", "bundlesprocessed"));
    return storage;
  }

  private Stored drop(String name, String content) throws Exception {
    Path file = Files.writeString(dir.resolve("bundles").resolve(name), content);
    return new Stored(name, Files.size(file), Files.getLastModifiedTime(file).toInstant());
  }
}
