package io.brazier.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where {@code $import} may read its inputs, so that it cannot be turned against the server's own network or disk:
 * {@code file:} URLs under {@code dir} only, {@code http(s)} URLs of the {@code hosts} only ({@code host} or
 * {@code host:port}), and Azure Blob storage with a SAS or through the {@code blob} connection string. Nothing is
 * allowed by default.
 */
public record ImportConfig(Path dir, List<String> hosts, String blob) {
  public static final ImportConfig NONE = new ImportConfig(null, List.of(), null);

  public ImportConfig {
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
