package io.brazier.app;

import io.brazier.loader.ExportDestination;
import io.brazier.loader.storage.BlobStorage;
import io.brazier.loader.storage.FolderStorage;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where {@code brazier export} writes: a folder, or a container of a Blob account. */
final class ExportOutput {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--out", paramLabel = "DIR|ACCOUNT",
      description = "The folder to write into (made if missing), or with --container a Blob account: a connection"
          + " string, or the account URL with a SAS (prefer BRAZIER_OUT).")
  String out;

  @Option(names = "--container", paramLabel = "NAME",
      description = "The Blob container to write into (made if missing); --out is then the account.")
  String container;

  @Option(names = "--file-max-mb", defaultValue = "64", paramLabel = "MB",
      description = "An NDJSON file rolls over to the next ([Type]-2.ndjson, ...) at this size"
          + " (default: ${DEFAULT-VALUE}).")
  long fileMaxMb;

  ExportDestination destination() {
    if (out == null || out.isBlank()) {
      throw usage("Say where to write: --out DIR, or --out ACCOUNT --container NAME for a Blob container");
    }
    long maxBytes = fileMaxMb * 1024 * 1024;
    try {
      if (container == null) {
        if (out.contains("AccountName=") || out.contains("UseDevelopmentStorage=") || out.startsWith("http")) {
          throw usage("--out is a Blob account: give the container to write into with --container NAME");
        }
        return new ExportDestination(new FolderStorage(Path.of(out)), "", "", maxBytes);
      }
      if (!container.matches("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
        throw usage("--container must be 3 to 63 lowercase letters, digits and single hyphens, not " + container);
      }
      return new ExportDestination(BlobStorage.connect(out), container, "", maxBytes);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
