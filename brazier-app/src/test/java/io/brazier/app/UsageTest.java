package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

class UsageTest {

  /** A command whose value checks itself, as the modules' configurations do. */
  @Command(name = "sized")
  static final class Sized implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--size", defaultValue = "1")
    int size;

    @Override
    public Integer call() {
      return Usage.checked(spec, () -> {
        if (size < 1) {
          throw new IllegalArgumentException("--size must be at least 1, not " + size);
        }
        return 0;
      });
    }
  }

  @Test
  void aValueThatRefusesTheOptionsIsAUsageErrorNamingTheFlag() {
    CommandLine command = new CommandLine(new Sized());
    StringWriter err = new StringWriter();
    command.setErr(new PrintWriter(err));

    int exit = command.execute("--size", "0");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).startsWith("--size must be at least 1, not 0").contains("Usage: sized")
        .doesNotContain("\tat ");
  }

  @Test
  void aValueTheOptionsMakeIsReturned() {
    assertThat(new CommandLine(new Sized()).execute("--size", "3")).isZero();
  }

  @Test
  void aFailureThatIsNoUsageErrorPassesThrough() {
    CommandSpec spec = new CommandLine(new Sized()).getCommandSpec();

    assertThatThrownBy(() -> Usage.checked(spec, () -> {
      throw new IOException("disk gone");
    })).isInstanceOf(IOException.class).hasMessage("disk gone");
  }
}
