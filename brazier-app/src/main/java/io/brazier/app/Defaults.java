package io.brazier.app;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults of options that the command line leaves out: the environment ({@code --db-url} is
 * {@code BRAZIER_DB_URL}), then the {@code --config} file ({@code db-url=...}), then the option's own default.
 */
final class Defaults implements IDefaultValueProvider {
  private final Map<String, String> environment;
  private final Properties file;

  private Defaults(Map<String, String> environment, Properties file) {
    this.environment = environment;
    this.file = file;
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
    return new Defaults(environment, config == null ? new Properties() : load(Path.of(config)));
  }

  private static Properties load(Path path) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(path)) {
      properties.load(reader);
      return properties;
    } catch (IOException e) {
      throw new UncheckedIOException("--config " + path + " could not be read", e);
    }
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
      return null;
    }
    String key = option.longestName().substring(2);
    String fromEnvironment = environment.get(environmentName(key));
    if (fromEnvironment != null) {
      return fromEnvironment;
    }
    return file.getProperty(key);
  }

  static String environmentName(String key) {
    return "BRAZIER_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }
}
