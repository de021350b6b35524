package io.brazier.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where {@code $import} may read its inputs, so that it cannot be turned against the server's own network or disk:
 * {@code file:} URLs under {@code dir} only, {@code http(s)} URLs of the {@code hosts} only ({@code host} or
 * {@code host:port}), and Azure Blob storage with a SAS or through the {@code blob} connection string. Nothing is
 * allowed by default. An input is read no further once {@code maxErrors} of its lines failed, so that an input of
 * garbage does not fill the database with an OperationOutcome a line.
 */
public record ImportConfig(Path dir, List<String> hosts, String blob, int maxErrors) {
  /** The default of {@code --max-import-errors}: some 3 MB of OperationOutcomes. */
  public static final int MAX_ERRORS = 10_000;
  public static final ImportConfig NONE = new ImportConfig(null, List.of(), null);

  public ImportConfig(Path dir, List<String> hosts, String blob) {
    this(dir, hosts, blob, MAX_ERRORS);
  }

  public ImportConfig {
    if (maxErrors < 1) {
      throw new IllegalArgumentException("--max-import-errors must be at least 1, not " + maxErrors);
    }
    if (dir != null && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--import-dir must be a directory, not " + dir);
    }
    hosts = hosts.stream().map(String::trim).filter(host -> !host.isEmpty())
        .map(host -> host.toLowerCase(Locale.ROOT)).toList();
    for (String host : hosts) {
      if (host.contains("/")) {
        throw new IllegalArgumentException("--import-hosts takes HOST or HOST:PORT, not a URL: " + host);
      }
    }
    if (blob != null && blob.isBlank()) {
      blob = null;
    }
  }
}
