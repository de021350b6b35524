package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.loader.send.FileOutcome;
import io.brazier.loader.storage.FolderStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a loaded file ends: in exactly one result folder, whatever an earlier attempt of its name left. */
class ResultsTest {
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

    results.bundle("a.json", FileOutcome.loaded("a.json", 1, bytes("response bundle")));

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

    results.bundle("a.json", failed);

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

    results.bundle("a.json", FileOutcome.unusable("a.json", "The file is not JSON"));

    assertThat(names("bundleserr")).containsExactlyInAnyOrder("a.json.err", "a.json.err.response");
  }

  @Test
  void aSplitBundleLeavesItsChunksToLoadAndClearsAnEarlierFailure() throws Exception {
    write("bundleserr/Big.json.err", "old");
    write("bundleserr/Big.json.err.response", "old reason");
    write("bundles/Big.json", "the whole bundle");

    results.bundle("Big.json", FileOutcome.split("Big.json", List.of(bytes("first"), bytes("second"))));

    assertThat(names("bundles")).containsExactlyInAnyOrder("big-1.json", "big-2.json");
    assertThat(dir.resolve("bundles/big-2.json")).hasContent("second");
    assertThat(dir.resolve("bundlesprocessed/Big.json.split")).hasContent("the whole bundle");
    assertThat(names("bundleserr")).as("the bundle ends in one folder only").isEmpty();
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
