package io.brazier.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What some loggers write while a test runs, from INFO up, whatever level the test configuration gives them: for a
 * test of what an operator reads in the log.
 */
public final class LogLines implements AutoCloseable {
  private final List<Logger> loggers = new ArrayList<>();
  private final List<Level> levels = new ArrayList<>();
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  private LogLines(List<Class<?>> sources) {
    events.start();
    for (Class<?> source : sources) {
      Logger logger = (Logger) LoggerFactory.getLogger(source);
      levels.add(logger.getLevel());
      logger.setLevel(Level.INFO);
      logger.addAppender(events);
      loggers.add(logger);
    }
  }

  /** Starts listening to the loggers of these classes. */
  public static LogLines from(Class<?>... sources) {
    return new LogLines(List.of(sources));
  }

  /** The events so far that contain {@code text} in their message. */
  public List<ILoggingEvent> containing(String text) {
    synchronized (events.list) {
      return events.list.stream().filter(event -> event.getFormattedMessage().contains(text)).toList();
    }
  }

  /** Every event so far. */
  public List<ILoggingEvent> all() {
    synchronized (events.list) {
      return List.copyOf(events.list);
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < loggers.size(); i++) {
      loggers.get(i).detachAppender(events);
      loggers.get(i).setLevel(levels.get(i));
    }
    events.stop();
  }
}
