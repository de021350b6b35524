package io.brazier.app;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code brazier} command. */
@Command(
    name = "brazier",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
        "Brazier: a FHIR R4 data platform.",
        "",
        "Every option is also an environment variable BRAZIER_<NAME> (--db-url:",
        "BRAZIER_DB_URL) and a key of the --config file (db-url=..., or any other",
        "long name of the option; a key that no command takes is refused). Flags",
        "win over the environment, which wins over the file."},
    subcommands = {Serve.class, ProxyCommand.class, Clients.class, LoadCommand.class, LoaderCommand.class, ExportCommand.class,
        EventsCommand.class, SyncCommand.class, CommandLine.HelpCommand.class})
public final class Brazier implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Brazier.class);

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  static CommandLine commandLine(String[] args) {
    CommandLine commandLine = new CommandLine(new Brazier());
    commandLine.setDefaultValueProvider(Defaults.from(args, System.getenv()));
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.registerConverter(Duration.class, new IsoDuration());
    commandLine.setExecutionExceptionHandler(Brazier::failed);
    commandLine.setParameterExceptionHandler(Brazier::refused);
    return commandLine;
  }

  /**
   * A usage error says what to fix, what a misspelt option or command most likely meant, and where the options are
   * explained, and exits with 2. Not the whole usage: serve's runs to hundreds of lines, which scrolled the one line
   * that mattered off the screen.
   */
  private static int refused(ParameterException e, String[] args) {
    CommandSpec command = e.getCommandLine().getCommandSpec();
    PrintWriter err = e.getCommandLine().getErr();
    err.println(e.getMessage());
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      List<String> meant = meant(command, unmatched.getUnmatched().get(0));
      if (!meant.isEmpty()) {
        err.println("Did you mean " + String.join(" or ", meant) + "?");
      }
    }
    err.println("See '" + command.qualifiedName() + " --help'.");
    err.flush();
    return command.exitCodeOnInvalidInput();
  }

  /** The options (for {@code --name} or {@code --name=value}) or the commands {@code typed} most likely meant. */
  private static List<String> meant(CommandSpec command, String typed) {
    if (typed.startsWith("-")) {
      return Suggestions.of(typed.split("=", 2)[0], command.optionsMap().keySet());
    }
    return Suggestions.of(typed, command.subcommands().keySet());
  }

  /**
   * A command that fails tells the operator why in a sentence or two, its cause's and theirs, and exits with 1; the
   * stack trace is for those who debug ({@code BRAZIER_LOG_LEVEL=DEBUG}).
   */
  private static int failed(Exception e, CommandLine command, ParseResult parsed) {
    PrintWriter err = command.getErr();
    String message = e.getMessage() != null ? e.getMessage() : e.toString();
    err.println("brazier: " + message);
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && !message.contains(cause.getMessage())) {
        err.println("  because: " + cause.getMessage());
      }
    }
    err.flush();
    log.debug("The command failed", e);
    return 1;
  }
}
