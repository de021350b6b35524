package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class OutageTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(OutageTest.class);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Outage outage = new Outage(logger, "cannot read the change feed", "reads the change feed again");

  @BeforeEach
  void listen() {
    lines.start();
    logger.addAppender(lines);
    logger.setLevel(Level.INFO); // the tests' logging configuration shows warnings only
  }

  @AfterEach
  void stopListening() {
    logger.detachAppender(lines);
    logger.setLevel(null);
  }

  @Test
  void anOutageIsWarnedOfOnceAndItsEndSaidOnceWithTheTriesItTook() {
    assertThat(List.of(outage.failed("connection refused"), outage.failed("connection refused"),
        outage.failed("connection refused"))).as("the failures in a row, for the backoff").containsExactly(1, 2, 3);
    outage.over();
    outage.over();

    assertThat(lines.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO);
    assertThat(lines.list.get(0).getFormattedMessage())
        .isEqualTo("Sync cannot read the change feed, retrying: connection refused");
    assertThat(lines.list.get(1).getFormattedMessage())
        .matches("Sync reads the change feed again after 3 failed tries over \\d+\\.\\d s");
  }

  @Test
  void aNewOutageAfterTheEndIsWarnedOfAndCountedAfresh() {
    outage.failed("connection refused");
    outage.over();

    assertThat(outage.failed("503 Service Unavailable")).isOne();
    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
        .last().isEqualTo("Sync cannot read the change feed, retrying: 503 Service Unavailable");
  }

  /** A try every 5 s for 500 s: one warning, then one line a minute, not one a try, and its end. */
  @Test
  void aLongOutageIsSaidAgainAtMostOnceAMinute() {
    AtomicLong now = new AtomicLong();
    Outage timed = new Outage(logger, "cannot read the change feed", "reads the change feed again", now::get);
    for (int i = 0; i < 100; i++) {
      timed.failed("connection refused");
      now.addAndGet(Duration.ofSeconds(5).toNanos());
    }
    timed.over();

    assertThat(lines.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.WARN, Level.WARN,
        Level.WARN, Level.WARN, Level.WARN, Level.WARN, Level.WARN, Level.WARN, Level.INFO);
    assertThat(lines.list.get(1).getFormattedMessage()).isEqualTo("Sync cannot read the change feed, for 60.0 s now"
        + " after 13 failed tries, retrying: connection refused");
    assertThat(lines.list.get(9).getFormattedMessage())
        .isEqualTo("Sync reads the change feed again after 100 failed tries over 500.0 s");
  }

  @Test
  void noOutageSaysNothing() {
    outage.over();

    assertThat(lines.list).isEmpty();
  }
}
