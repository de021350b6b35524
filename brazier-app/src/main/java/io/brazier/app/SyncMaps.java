package io.brazier.app;

import io.brazier.sync.map.MapLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brazier sync maps DIR}: writes the built-in maps out, to start a set of one's own from them. */
@Command(name = "maps", mixinStandardHelpOptions = true,
    description = "Writes the built-in maps (25 files) into DIR: edit them there and give DIR to --sync-maps.")
final class SyncMaps implements Callable<Integer> {

  @Parameters(paramLabel = "DIR", description = "Where to write them; it must not hold .json files already.")
  Path dir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    try {
      if (Files.isDirectory(dir)) {
        try (var files = Files.newDirectoryStream(dir, "*.json")) {
          if (files.iterator().hasNext()) {
            spec.commandLine().getErr().println("brazier sync maps: " + dir + " holds .json files already; give an"
                + " empty or new directory, so that no map of yours is overwritten.");
            return 1;
          }
        }
      }
      MapLoader.writeDefaults(dir);
      spec.commandLine().getOut().println("Wrote " + MapLoader.DEFAULTS.size() + " maps to " + dir);
      return 0;
    } catch (IOException e) {
      spec.commandLine().getErr().println("brazier sync maps: could not write " + dir + ": " + e.getMessage());
      return 1;
    }
  }
}
