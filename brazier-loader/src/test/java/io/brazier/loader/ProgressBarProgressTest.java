package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.loader.send.FileOutcome;
import io.brazier.testkit.Parallel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import org.junit.jupiter.api.Test;

/** The terminal's progress bar: what its last line says once the load or export is done. */
class ProgressBarProgressTest {

  @Test
  void theLastLineCountsTheFilesDoneTheResourcesAndEveryFailedEntryOrUnusableFile() throws Exception {
    String last = lastLine(LogProgressTest::threeOfFourFiles, "Loading", " files");

    assertThat(last).startsWith("Loading").contains(" 3/4 files", " 13 resources, ", " 3 errors");
  }

  @Test
  void anExportCountsSearchesAndItsFailedOnes() throws Exception {
    String last = lastLine(progress -> {
      progress.start(2);
      progress.resources(7);
      progress.searchDone(false);
      progress.searchDone(true);
    }, "Exporting", " searches");

    assertThat(last).startsWith("Exporting").contains(" 2/2 searches", " 7 resources, ", " 1 errors");
  }

  @Test
  void filesEndingOnManyThreadsAtOnceAddUp() throws Exception {
    int threads = 4;
    int files = 50;
    String last = lastLine(progress -> {
      progress.start(threads * files);
      Parallel.run(threads, files, (thread, file) -> {
        progress.entries(3);
        progress.file(new FileOutcome("f.ndjson", 2, 1, "1 entry failed", null, null, null, List.of()));
        return null;
      });
    }, "Loading", " files");

    assertThat(last).contains(" 200/200 files", " 600 resources, ", " 200 errors");
  }

  @Test
  void aBarNeverStartedDrawsNothingAndClosesQuietly() {
    List<String> drawn = new CopyOnWriteArrayList<>();
    ProgressBarProgress progress = new ProgressBarProgress("Loading", " files",
        new DelegatingProgressBarConsumer(drawn::add, 200));

    progress.entries(5);
    progress.close();

    assertThat(drawn).isEmpty();
  }

  private interface Use {
    void accept(ProgressBarProgress progress) throws Exception;
  }

  /** The last line the bar drew, once closed. */
  private static String lastLine(Use use, String task, String unit) throws Exception {
    List<String> drawn = new CopyOnWriteArrayList<>();
    try (ProgressBarProgress progress = new ProgressBarProgress(task, unit,
        new DelegatingProgressBarConsumer(drawn::add, 200))) {
      use.accept(progress);
    }
    assertThat(drawn).isNotEmpty();
    return drawn.get(drawn.size() - 1).strip();
  }
}
