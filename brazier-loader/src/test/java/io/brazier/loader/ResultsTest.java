package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.loader.send.FileOutcome;
import io.brazier.loader.storage.FolderStorage;
import io.brazier.loader.storage.Storage.Stored;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a loaded file ends: in exactly one result folder, whatever an earlier attempt of its name left. */
class ResultsTest {
  private static final Instant NOW = Instant.parse("2026-12-06T06:00:00Z");

  @TempDir
  Path dir;

  private FolderStorage storage;
  private Results results;

  @BeforeEach
  void folders() throws Exception {
    storage = new FolderStorage(dir);
    storage.prepare(Folders.ALL);
    results = new Results(storage);
  }

  @Test
  void aLoadedBundleLeavesItsResultBesideItInProcessedAndClearsAnEarlierFailure() throws Exception {
    write("bundleserr/a.json.err", "old");
    write("bundleserr/a.json.err.response", "old reason");
    write("bundleserr/a.json.err.actionneeded", "old report");
    write("bundles/a.json", "bundle");

    results.bundle(stored("a.json"), FileOutcome.loaded("a.json", 1, bytes("response bundle")));

    assertThat(names("bundlesprocessed")).containsExactlyInAnyOrder("a.json.processed", "a.json.processed.result");
    assertThat(dir.resolve("bundlesprocessed/a.json.processed")).hasContent("bundle");
    assertThat(dir.resolve("bundlesprocessed/a.json.processed.result")).hasContent("response bundle");
    assertThat(names("bundleserr")).isEmpty();
    assertThat(names("bundles")).isEmpty();
  }

  @Test
  void aFailedBundleLeavesItsReasonAndReportInErrAndClearsAnEarlierSuccess() throws Exception {
    write("bundlesprocessed/a.json.processed", "old");
    write("bundlesprocessed/a.json.processed.result", "old result");
    write("bundles/a.json", "bundle");
    FileOutcome failed = new FileOutcome("a.json", 1, 2, "2 entries failed", null, bytes("the report"), null,
        List.of());

    results.bundle(stored("a.json"), failed);

    assertThat(dir.resolve("bundleserr/a.json.err")).hasContent("bundle");
    assertThat(dir.resolve("bundleserr/a.json.err.response")).hasContent("2 entries failed");
    assertThat(dir.resolve("bundleserr/a.json.err.actionneeded")).hasContent("the report");
    assertThat(names("bundlesprocessed")).isEmpty();
    assertThat(names("bundles")).isEmpty();
  }

  @Test
  void aFailureWithoutAReportDropsTheReportOfAnEarlierFailure() throws Exception {
    write("bundleserr/a.json.err.actionneeded", "a report about other content");
    write("bundles/a.json", "not json");

    results.bundle(stored("a.json"), FileOutcome.unusable("a.json", "The file is not JSON"));

    assertThat(names("bundleserr")).containsExactlyInAnyOrder("a.json.err", "a.json.err.response");
  }

  @Test
  void aSplitBundleLeavesItsChunksToLoadAndClearsAnEarlierFailure() throws Exception {
    write("bundleserr/Big.json.err", "old");
    write("bundleserr/Big.json.err.response", "old reason");
    Stored big = stored("Big.json", "the whole bundle", NOW);

    results.bundle(big, FileOutcome.split("Big.json", List.of(bytes("first"), bytes("second"))));

    assertThat(names("bundles")).containsExactlyInAnyOrder(Folders.chunk(big, 1), Folders.chunk(big, 2));
    assertThat(Folders.chunk(big, 2)).matches("big-[0-9a-f]{12}-2\\.json");
    assertThat(dir.resolve("bundles/" + Folders.chunk(big, 2))).hasContent("second");
    assertThat(dir.resolve("bundlesprocessed/Big.json.split")).hasContent("the whole bundle");
    assertThat(names("bundleserr")).as("the bundle ends in one folder only").isEmpty();
  }

  @Test
  void theChunksOfASplitBundleReplaceNoFileWaitingBesideThem() throws Exception {
    write("bundles/big-1.json", "dropped by someone");
    Stored first = stored("Big.json", "the whole bundle", NOW);
    results.bundle(first, FileOutcome.split("Big.json", List.of(bytes("first chunk"))));
    Stored again = stored("Big.json", "the whole bundle", NOW.plusSeconds(1));

    results.bundle(again, FileOutcome.split("Big.json", List.of(bytes("chunk again"))));

    assertThat(dir.resolve("bundles/big-1.json")).hasContent("dropped by someone");
    assertThat(dir.resolve("bundles/" + Folders.chunk(first, 1))).hasContent("first chunk");
    assertThat(dir.resolve("bundles/" + Folders.chunk(again, 1))).hasContent("chunk again");
    assertThat(Folders.chunk(stored("Big.json", "the whole bundle", NOW), 1))
        .as("a split of the same file again, after an interrupted attempt, writes over its own chunks")
        .isEqualTo(Folders.chunk(first, 1));
  }

  @Test
  void anNdjsonWithRejectedLinesIsProcessedAndItsRejectedLinesWaitInErrWithWhatToFix() throws Exception {
    write("ndjson/p.ndjson", "line 1\nline 2\n");
    FileOutcome partly = new FileOutcome("p.ndjson", 1, 1, "1 line rejected", null, bytes("line 2 has no id"),
        bytes("line 2\n"), List.of());

    results.ndjson("p.ndjson", partly);

    assertThat(dir.resolve("ndjsonprocessed/p.ndjson.processed")).hasContent("line 1\nline 2\n");
    assertThat(dir.resolve("ndjsonerr/p.ndjson.err")).hasContent("line 2\n");
    assertThat(dir.resolve("ndjsonerr/p.ndjson.err.actionneeded")).hasContent("line 2 has no id");
  }

  @Test
  void anNdjsonLoadedWholeClearsTheRejectedLinesOfAnEarlierAttempt() throws Exception {
    write("ndjsonerr/p.ndjson.err", "line 2");
    write("ndjsonerr/p.ndjson.err.actionneeded", "line 2 has no id");
    write("ndjson/p.ndjson", "line 1\nline 2 fixed\n");

    results.ndjson("p.ndjson", FileOutcome.loaded("p.ndjson", 2, null));

    assertThat(names("ndjsonprocessed")).containsExactly("p.ndjson.processed");
    assertThat(names("ndjsonerr")).isEmpty();
  }

  @Test
  void anUnreadableNdjsonGoesToErrWithTheReasonAndClearsAnEarlierSuccess() throws Exception {
    write("ndjsonprocessed/p.ndjson.processed", "loaded before");
    write("ndjson/p.ndjson", "not gzip");

    results.ndjson("p.ndjson", FileOutcome.unusable("p.ndjson", "The file is not gzip"));

    assertThat(dir.resolve("ndjsonerr/p.ndjson.err")).hasContent("not gzip");
    assertThat(dir.resolve("ndjsonerr/p.ndjson.err.response")).hasContent("The file is not gzip");
    assertThat(names("ndjsonprocessed")).as("the file ends in one folder only").isEmpty();
    assertThat(names("ndjson")).isEmpty();
  }

  /** {@code bundles/name}, written and listed as the loader lists it, last changed at {@code modified}. */
  private Stored stored(String name, String content, Instant modified) throws Exception {
    Path file = dir.resolve("bundles").resolve(name);
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, FileTime.from(modified));
    return stored(name);
  }

  private Stored stored(String name) throws Exception {
    return storage.list("bundles").stream().filter(stored -> stored.name().equals(name)).findFirst().orElseThrow();
  }

  private void write(String path, String content) throws Exception {
    Files.writeString(dir.resolve(path), content);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private List<String> names(String folder) throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve(folder))) {
      return files.map(path -> path.getFileName().toString()).toList();
    }
  }
}
