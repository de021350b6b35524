package io.brazier.app;

import io.brazier.client.FhirClient;
import io.brazier.loader.LoaderConfig;
import io.brazier.loader.LoaderEndpoint;
import io.brazier.loader.LoaderService;
import io.brazier.loader.storage.BlobStorage;
import io.brazier.loader.storage.FolderStorage;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The watching services of a folder and/or a Blob account, and their HTTP endpoint, started and stopped together. */
final class WatchingLoader implements AutoCloseable {
  private final List<AutoCloseable> running = new ArrayList<>();

  static WatchingLoader start(FhirClient target, LoaderConfig config, Path dir, String blob, String host, int port,
      PrometheusMeterRegistry registry) throws IOException {
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
    loader.running.add(new LoaderEndpoint(services, registry::scrape, host, port).start());
    return loader;
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
