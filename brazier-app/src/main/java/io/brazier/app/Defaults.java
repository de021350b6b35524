package io.brazier.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Defaults of options that the command line leaves out: the environment ({@code --db-url} is
 * {@code BRAZIER_DB_URL}), then the {@code --config} file ({@code db-url=...}, or any other long name of the option),
 * then the option's own default.
 *
 * <p>The file is read when the first option asks, so that a file that cannot be read, or a key that is no option of
 * any command (a typo that would otherwise leave the setting at its default without a word), is a usage error of the
 * command being run.
 */
final class Defaults implements IDefaultValueProvider {
  private final Map<String, String> environment;
  private final Path config;
  private Properties file;

  private Defaults(Map<String, String> environment, Path config) {
    this.environment = environment;
    this.config = config;
  }

  /** The config file comes from {@code --config} (or {@code BRAZIER_CONFIG}), read before the other options. */
  static Defaults from(String[] args, Map<String, String> environment) {
    String config = environment.get("BRAZIER_CONFIG");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        config = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        config = args[i].substring("--config=".length());
      }
    }
    return new Defaults(environment, config == null ? null : Path.of(config));
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option) || !option.longestName().startsWith("--") || option.usageHelp()
        || option.versionHelp()) {
      return null;
    }
    String key = option.longestName().substring(2);
    String fromEnvironment = environment.get(environmentName(key));
    if (fromEnvironment != null) {
      return fromEnvironment;
    }
    Properties file = file(option.command());
    return Arrays.stream(option.names()).filter(name -> name.startsWith("--"))
        .sorted(Comparator.comparingInt(String::length).reversed())
        .map(name -> file.getProperty(name.substring(2))).filter(Objects::nonNull).findFirst().orElse(null);
  }

  private Properties file(CommandSpec command) {
    if (file == null) {
      file = config == null ? new Properties() : read(command);
    }
    return file;
  }

  private Properties read(CommandSpec command) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(config)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw new ParameterException(command.commandLine(), "--config " + config + ": no such file");
    } catch (IOException | IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), "--config " + config + " could not be read: " + e);
    }
    Set<String> options = optionNames(command.root());
    List<String> unknown = properties.stringPropertyNames().stream().filter(key -> !options.contains(key)).sorted()
        .toList();
    if (!unknown.isEmpty()) {
      String named = unknown.stream().map(key -> key + Suggestions.of(key, options).stream().findFirst()
          .map(meant -> " (did you mean " + meant + "?)").orElse("")).collect(Collectors.joining(", "));
      throw new ParameterException(command.commandLine(), "--config " + config + ": " + named
          + (unknown.size() == 1 ? " is" : " are") + " not an option of any brazier command; a key is an option's"
          + " name without its dashes, as " + command.qualifiedName() + " --help lists them (port=8080)");
    }
    return properties;
  }

  /** The long names, without dashes, of the options of a command and all its subcommands: each a key of the file. */
  private static Set<String> optionNames(CommandSpec root) {
    Set<String> names = new HashSet<>();
    Deque<CommandSpec> commands = new ArrayDeque<>(List.of(root));
    while (!commands.isEmpty()) {
      CommandSpec command = commands.pop();
      command.options().forEach(option -> Arrays.stream(option.names()).filter(name -> name.startsWith("--"))
          .forEach(name -> names.add(name.substring(2))));
      command.subcommands().values().stream().map(CommandLine::getCommandSpec).forEach(commands::push);
    }
    return names;
  }

  static String environmentName(String key) {
    return "BRAZIER_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }
}
