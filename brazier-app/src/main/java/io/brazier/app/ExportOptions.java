package io.brazier.app;

import io.brazier.server.ExportConfig;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How {@code brazier serve} runs Bulk Data {@code $export}: where its files go and how long they stay. */
final class ExportOptions {
  @Option(names = "--export-dir", paramLabel = "DIR",
      description = "Where $export writes its files, a folder per export (default: <data-dir>/export). Nodes must"
          + " share it (shared storage), since any node serves and resumes any export.")
  Path dir;

  @Option(names = "--export-file-max-mb", defaultValue = "64",
      description = "A type's export file is continued in a new one past this size (default: ${DEFAULT-VALUE}).")
  int fileMaxMb;

  @Option(names = "--export-max-running", defaultValue = "2",
      description = "Most $export jobs queued or running at once, on all nodes together; more are refused with 429"
          + " and Retry-After (default: ${DEFAULT-VALUE}).")
  int maxRunning;

  @Option(names = "--export-ttl", defaultValue = "PT24H", paramLabel = "DURATION",
      description = "How long a finished export's manifest and files are kept, ISO-8601, at most P7D"
          + " (default: ${DEFAULT-VALUE}).")
  Duration ttl;

  @Option(names = "--export-blob", paramLabel = "CONNECTION_STRING|URL",
      description = "Write exports to Azure Blob storage: a connection string, or the account URL with a SAS"
          + " (prefer BRAZIER_EXPORT_BLOB) (default: local files).")
  String blob;

  @Option(names = "--export-container", defaultValue = ExportConfig.DEFAULT_CONTAINER, paramLabel = "NAME",
      description = "The Blob container of exports whose kick-off names no _container (default: ${DEFAULT-VALUE}).")
  String container;

  @Option(names = "--export-blob-links", defaultValue = "sas", paramLabel = "sas|server",
      description = "sas: the manifest links Blob exports by read-only SAS URLs that expire with the export (needs"
          + " a connection string with the account key); server: by this server's own links, which need the"
          + " caller's token (default: ${DEFAULT-VALUE}).")
  ExportConfig.Links links;

  /** The configuration these options make; the manifest says files need a token when the server asks for one. */
  ExportConfig config(Path dataDir, boolean authentication) {
    Path folder = dir == null ? dataDir.toAbsolutePath().resolve("export") : dir.toAbsolutePath();
    return ExportConfig.builder().dir(folder).fileMaxBytes(fileMaxMb * 1024L * 1024).maxRunning(maxRunning).ttl(ttl)
        .blob(blob).container(container).links(links).requiresAccessToken(authentication).build();
  }
}
