package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  @Test
  void secondsAreAWait() {
    assertThat(RetryAfter.parse("2")).isEqualTo(Duration.ofSeconds(2));
    assertThat(RetryAfter.parse(" 0 ")).isEqualTo(Duration.ZERO);
  }

  @Test
  void anHttpDateIsTheWaitUntilThen() {
    String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));
    String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(60));

    assertThat(RetryAfter.parse(inAMinute)).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
    assertThat(RetryAfter.parse(past)).isEqualTo(Duration.ZERO);
  }

  @Test
  void nothingOrNonsenseAsksNoParticularWait() {
    assertThat(RetryAfter.parse(null)).isNull();
    assertThat(RetryAfter.parse("soon")).isNull();
    assertThat(RetryAfter.parse("-5")).isNull();
  }
}
