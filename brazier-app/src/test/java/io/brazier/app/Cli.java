package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import picocli.CommandLine;

/** Runs {@code brazier} in this JVM as a user would from a shell, catching what it prints and its exit code. */
record Cli(int code, String out, String err) {

  static Cli run(String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true));
    System.setErr(new PrintStream(errors, true));
    try {
      CommandLine command = Brazier.commandLine(args);
      int code = command.execute(args);
      command.getErr().flush();
      return new Cli(code, printed.toString(), errors.toString());
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  /** Checks that the command was refused as a usage error: exit 2, {@code message} said, no stack trace. */
  Cli refused(String message) {
    assertThat(code).as(err).isEqualTo(2);
    assertThat(err).contains(message).doesNotContain("\tat ");
    return this;
  }
}
