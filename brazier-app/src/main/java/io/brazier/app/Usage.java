package io.brazier.app;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The modules' configurations check their own values and say which flag to fix in an IllegalArgumentException; a
 * command shows that sentence as a usage error (the command's usage, exit code 2), never as a failure.
 */
final class Usage {
  private Usage() {}

  /** Builds a value from options; may fail for reasons that are no usage error ({@code E}, reading a file). */
  interface Build<T, E extends Exception> {
    T get() throws E;
  }

  /** What {@code build} makes from the options of {@code spec}'s command, or the usage error it names. */
  static <T, E extends Exception> T checked(CommandSpec spec, Build<T, E> build) throws E {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
