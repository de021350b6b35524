package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.brazier.loader.send.FileOutcome;
import io.brazier.testkit.Eventually;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Progress as log lines: a line every interval counting files, resources and errors, and a warning per failed file. */
class LogProgressTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(LogProgress.class);
  private final Level level = logger.getLevel();
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  LogProgressTest() {
    lines.start();
    logger.addAppender(lines);
    // The tests' configuration keeps only warnings; the progress lines are information.
    logger.setLevel(Level.INFO);
  }

  @AfterEach
  void detach() {
    logger.setLevel(level);
    logger.detachAppender(lines);
  }

  @Test
  void eachIntervalsLineCountsTheFilesDoneTheResourcesAndEveryFailedEntryOrUnusableFile() throws Exception {
    try (LogProgress progress = new LogProgress(Duration.ofMillis(50))) {
      threeOfFourFiles(progress);

      Eventually.until(Duration.ofSeconds(10), "a progress line", () -> !infos().isEmpty());
    }

    assertThat(infos().get(0)).startsWith("Loading files=3/4 resources=13 resourcesPerSecond=").endsWith(" errors=3");
    assertThat(warnings()).containsExactly("File not fully loaded file=b.ndjson failed=2",
        "File not fully loaded file=c.json failed=0");
  }

  /**
   * A load told of three files of four: 13 resources, one file loaded, one with two failed entries, one unusable;
   * every progress view shows it (see {@code ProgressBarProgressTest}).
   */
  static void threeOfFourFiles(Progress progress) {
    progress.start(4);
    progress.entries(10);
    progress.file(FileOutcome.loaded("a.ndjson", 10, null));
    progress.entries(3);
    progress.file(new FileOutcome("b.ndjson", 3, 2, "2 entries failed", null, null, null, List.of()));
    progress.file(FileOutcome.unusable("c.json", "not JSON"));
  }

  @Test
  void anExportNamesItsTaskAndUnitAndCountsFailedSearches() throws Exception {
    try (LogProgress progress = new LogProgress(Duration.ofMillis(50), "Exporting", "searches")) {
      progress.start(2);
      progress.resources(7);
      progress.searchDone(false);
      progress.searchDone(true);

      Eventually.until(Duration.ofSeconds(10), "a progress line", () -> !infos().isEmpty());
    }

    assertThat(infos().get(0)).startsWith("Exporting searches=2/2 resources=7 ").endsWith(" errors=1");
    assertThat(warnings()).isEmpty();
  }

  @Test
  void closingStopsTheLines() throws Exception {
    LogProgress progress = new LogProgress(Duration.ofMillis(20));
    progress.start(1);
    Eventually.until(Duration.ofSeconds(10), "a progress line", () -> !infos().isEmpty());

    progress.close();
    int written = infos().size();
    Thread.sleep(200);

    assertThat(infos()).hasSize(written);
  }

  private List<String> infos() {
    return messages(Level.INFO);
  }

  private List<String> warnings() {
    return messages(Level.WARN);
  }

  private List<String> messages(Level level) {
    synchronized (lines.list) {
      return lines.list.stream().filter(line -> line.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }
}
