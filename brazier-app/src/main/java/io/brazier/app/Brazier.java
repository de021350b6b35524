package io.brazier.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

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
    subcommands = {Serve.class, Clients.class, LoadCommand.class, LoaderCommand.class, ExportCommand.class,
        EventsCommand.class, CommandLine.HelpCommand.class})
public final class Brazier implements Runnable {

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
    return commandLine;
  }
}
