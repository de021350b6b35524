package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.loader.storage.Storage.Stored;
import io.brazier.testkit.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A dropped file is taken only once it has stopped changing: one still being copied keeps growing. */
class SettlingTest {
  private static final Instant MODIFIED = Instant.parse("2026-12-05T23:00:00Z");

  @Test
  void withoutASettleTimeAFileIsTakenAtOnce() {
    Settling settling = new Settling(Duration.ZERO);

    assertThat(settling.settled("bundles", file("a.json", 10, MODIFIED))).isTrue();
  }

  @Test
  void aFileIsTakenOnceItsSizeAndTimeStayedTheSameForTheSettleTime() throws Exception {
    Settling settling = new Settling(Duration.ofMillis(200));
    Stored file = file("a.json", 10, MODIFIED);

    boolean firstSeen = settling.settled("bundles", file);
    Eventually.until(Duration.ofSeconds(10), "the file settles", () -> settling.settled("bundles", file));

    assertThat(firstSeen).isFalse();
  }

  @Test
  void aFileThatGrewOrWasTouchedStartsItsSettleTimeAgain() throws Exception {
    Settling settling = new Settling(Duration.ofMillis(200));
    settling.settled("bundles", file("a.json", 10, MODIFIED));
    Eventually.until(Duration.ofSeconds(10), "the file settles",
        () -> settling.settled("bundles", file("a.json", 10, MODIFIED)));

    boolean grown = settling.settled("bundles", file("a.json", 20, MODIFIED));
    boolean touched = settling.settled("bundles", file("a.json", 20, MODIFIED.plusMillis(1)));

    assertThat(grown).isFalse();
    assertThat(touched).isFalse();
  }

  @Test
  void filesOfTheSameNameInTwoFoldersSettleApart() throws Exception {
    Settling settling = new Settling(Duration.ofHours(1));
    Settling instant = new Settling(Duration.ZERO);

    settling.settled("bundles", file("a.json", 10, MODIFIED));

    assertThat(settling.settled("ndjson", file("a.json", 10, MODIFIED))).isFalse();
    assertThat(instant.settled("ndjson", file("a.json", 10, MODIFIED))).isTrue();
  }

  @Test
  void whatAFileHoldsIsSurveyedOncePerVersionAndAgainWhenItChanges() {
    Settling settling = new Settling(Duration.ZERO);
    AtomicInteger surveys = new AtomicInteger();
    Stored file = file("a.json", 10, MODIFIED);
    settling.settled("bundles", file);

    boolean first = settling.referenceData("bundles", file, () -> surveys.incrementAndGet() > 0);
    boolean again = settling.referenceData("bundles", file, () -> surveys.incrementAndGet() < 0);
    int afterTwoAsks = surveys.get();
    settling.settled("bundles", file("a.json", 30, MODIFIED.plusSeconds(1)));
    boolean changed = settling.referenceData("bundles", file("a.json", 30, MODIFIED.plusSeconds(1)),
        () -> surveys.incrementAndGet() < 0);

    assertThat(first).isTrue();
    assertThat(again).as("the first survey's answer").isTrue();
    assertThat(afterTwoAsks).isOne();
    assertThat(changed).isFalse();
    assertThat(surveys.get()).isEqualTo(2);
  }

  @Test
  void aFileThatLeftIsForgottenSoItsReturnSettlesAnew() {
    Settling settling = new Settling(Duration.ofHours(1));
    AtomicInteger surveys = new AtomicInteger();
    settling.settled("bundles", file("gone.json", 10, MODIFIED));
    settling.settled("bundles", file("kept.json", 10, MODIFIED));
    settling.referenceData("bundles", file("gone.json", 10, MODIFIED), () -> surveys.incrementAndGet() > 0);

    settling.forgetAllBut(Set.of("bundles/kept.json"));
    settling.referenceData("bundles", file("gone.json", 10, MODIFIED), () -> surveys.incrementAndGet() > 0);

    assertThat(surveys.get()).as("surveyed again, as an unknown file").isEqualTo(2);
  }

  private static Stored file(String name, long size, Instant modified) {
    return new Stored(name, size, modified);
  }
}
