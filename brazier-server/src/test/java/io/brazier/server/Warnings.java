package io.brazier.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The warnings some loggers write while a test runs: evidence that a background thread (the change sequencer, the
 * job runner) met a failure, which it reports only in its log.
 */
public final class Warnings implements AutoCloseable {
  private final List<Logger> loggers = new ArrayList<>();
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  private Warnings(List<String> names) {
    events.start();
    for (String name : names) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      logger.addAppender(events);
      loggers.add(logger);
    }
  }

  /** Starts listening to the loggers of these names (classes' full names). */
  public static Warnings from(String... names) {
    return new Warnings(List.of(names));
  }

  /** Whether {@code name} warned within {@code limit} from now or before; polls, as background threads log late. */
  public boolean await(String name, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (warned(name)) {
        return true;
      }
      Thread.sleep(50);
    }
    return warned(name);
  }

  /** The messages, formatted, that {@code name} logged at WARN or above until now. */
  public List<String> messages(String name) {
    synchronized (events.list) {
      return events.list.stream()
          .filter(event -> event.getLoggerName().equals(name) && event.getLevel().isGreaterOrEqual(Level.WARN))
          .map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  private boolean warned(String name) {
    synchronized (events.list) {
      return events.list.stream()
          .anyMatch(event -> event.getLoggerName().equals(name) && event.getLevel().isGreaterOrEqual(Level.WARN));
    }
  }

  @Override
  public void close() {
    loggers.forEach(logger -> logger.detachAppender(events));
    events.stop();
  }
}
