package io.brazier.app;

import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/** The {@code brazier} command. */
@Command(
    name = "brazier",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
        "Brazier: a FHIR R4 data platform.",
        "",
        "Every option is also an environment variable BRAZIER_<NAME> (--db-url: BRAZIER_DB_URL) and a key",
        "of the --config file (db-url=...). Flags win over the environment, which wins over the file."},
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
    commandLine.setExecutionExceptionHandler(Brazier::failed);
    return commandLine;
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
