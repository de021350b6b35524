package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  @Test
  void secondsAreAWait() {
    assertThat(RetryAfter.parse("2")).contains(Duration.ofSeconds(2));
    assertThat(RetryAfter.parse(" 0 ")).contains(Duration.ZERO);
  }

  @Test
  void anHttpDateIsTheWaitUntilThen() {
    ZonedDateTime inAMinute = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
    String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(60));

    // The wait is from the moment of parsing: bounded by the times around it, however long the test was paused.
    Instant before = Instant.now();
    Duration wait = RetryAfter.parse(DateTimeFormatter.RFC_1123_DATE_TIME.format(inAMinute)).orElseThrow();
    Instant after = Instant.now();

    assertThat(wait).isBetween(until(after, inAMinute), until(before, inAMinute));
    assertThat(RetryAfter.parse(past)).contains(Duration.ZERO);
  }

  @Test
  void nothingOrNonsenseAsksNoParticularWait() {
    assertThat(RetryAfter.parse(null)).isEmpty();
    assertThat(RetryAfter.parse("soon")).isEmpty();
    assertThat(RetryAfter.parse("-5")).isEmpty();
  }

  /** The wait from {@code now} until {@code then}, none once it has passed. */
  private static Duration until(Instant now, ZonedDateTime then) {
    Duration wait = Duration.between(now, then.toInstant());
    return wait.isNegative() ? Duration.ZERO : wait;
  }
}
