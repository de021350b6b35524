package io.brazier.app;

import io.brazier.client.FhirClient;
import io.brazier.loader.ExportJobs;
import io.brazier.loader.LoaderConfig;
import io.brazier.loader.LoaderEndpoint;
import io.brazier.loader.ExportSources;
import io.brazier.loader.LoaderService;
import io.brazier.loader.storage.BlobStorage;
import io.brazier.loader.storage.FolderStorage;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The watching services of a folder and/or a Blob account, their export jobs and their HTTP endpoint, started and
 * stopped together.
 */
final class WatchingLoader implements AutoCloseable {
  private final List<AutoCloseable> running = new ArrayList<>();

  /**
   * @param exports how many export jobs may run at once, and how long ended ones are listed; they write into the
   *     folder's (else the account's) {@code export}
   */
  static WatchingLoader start(FhirClient target, LoaderConfig config, Path dir, String blob, String host,
      int port, PrometheusMeterRegistry registry, ExportLimits exports) throws IOException {
    return start(target, config, dir, blob, host, port, registry, exports, ExportSources.only(target, config));
  }

  /** @param sources the servers export jobs may read from: the target, and those {@code --export-source} lists */
  static WatchingLoader start(FhirClient target, LoaderConfig config, Path dir, String blob, String host,
      int port, PrometheusMeterRegistry registry, ExportLimits exports, ExportSources sources) throws IOException {
    WatchingLoader loader = new WatchingLoader();
    List<LoaderService> services = new ArrayList<>();
    if (dir != null) {
      services.add(new LoaderService(target, config, new FolderStorage(dir), registry));
    }
    if (blob != null) {
      services.add(new LoaderService(target, config, BlobStorage.connect(blob), registry));
    }
    for (LoaderService service : services) {
      loader.running.add(service.start());
    }
    try {
      ExportJobs jobs = new ExportJobs(sources, dir != null ? new FolderStorage(dir) : BlobStorage.connect(blob),
          ExportLimits.FILE_MAX_BYTES, exports.maxExports(), exports.purgeAfter(), Clock.systemUTC());
      loader.running.add(jobs);
      loader.running.add(new LoaderEndpoint(services, jobs, registry::scrape, host, port).start());
      return loader;
    } catch (IOException | RuntimeException e) {
      loader.close(); // the export journal or the port refused: stop the services started
      throw e;
    }
  }

  /** The export jobs' limits: {@code --max-exports} at once, listed {@code --export-purge-days} after they end. */
  record ExportLimits(int maxExports, Duration purgeAfter) {
    static final long FILE_MAX_BYTES = 64L * 1024 * 1024;
  }

  @Override
  public void close() {
    for (int i = running.size() - 1; i >= 0; i--) {
      AutoCloseable closeable = running.get(i);
      try {
        closeable.close();
      } catch (Exception e) {
        // stopping anyway
      }
    }
  }
}
