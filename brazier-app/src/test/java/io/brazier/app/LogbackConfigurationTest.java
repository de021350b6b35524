package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What the {@code brazier} command's own logging configuration ({@code logback.xml}) prints. */
class LogbackConfigurationTest {

  @Test
  void aConnectionHikariMarksBrokenIsOneWarningWithoutItsStackTrace() throws Exception {
    String printed = printed(context -> context.getLogger("com.zaxxer.hikari.pool.ProxyConnection").warn(
        "{} - Connection {} marked as broken because of SQLSTATE({}), ErrorCode({})", "HikariPool-1",
        "org.postgresql.jdbc.PgConnection@1b2c3d", "08006", 0,
        new SQLException("An I/O error occurred while sending to the backend.", "08006")));

    assertThat(printed.lines()).singleElement().satisfies(line -> assertThat(line).contains(" WARN ")
        .contains("marked as broken because of SQLSTATE(08006)"));
  }

  @Test
  void anyOtherWarningKeepsItsStackTrace() throws Exception {
    String printed = printed(context -> context.getLogger("com.zaxxer.hikari.pool.HikariPool").warn(
        "HikariPool-1 - Thread starvation", new IllegalStateException("clock leap")));

    assertThat(printed.lines().count()).isGreaterThan(2);
  }

  /** What logging through the configuration prints to standard output. */
  private static String printed(Consumer<LoggerContext> logging) throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    PrintStream out = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      configurator.doConfigure(LogbackConfigurationTest.class.getResource("/logback.xml"));
      logging.accept(context);
    } finally {
      context.stop();
      System.setOut(out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
