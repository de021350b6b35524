package io.brazier.server.export;

import io.brazier.fhir.Fhir;
import io.brazier.client.FileTrees;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.Terminology;
import io.brazier.server.ExportConfig;
import io.brazier.server.operation.Jobs;
import io.brazier.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk Data export as the route table wires it: the kick-off, the job kind, and the sweeper of expired exports, over
 * the storage the configuration names (a local folder, or Azure Blob storage). A temporary folder, when no folder is
 * named, is this process's alone: it goes when the node closes, as its exports could not be resumed elsewhere.
 */
public final class Exports implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Exports.class);

  private final Export kickOff;
  private final ExportJob job;
  private final ExportSweeper sweeper;
  private final ExportStorage storage;
  private final Path temporary;

  public Exports(Fhir fhir, Store store, FhirSearch search, Terminology terminology, ExportConfig config, Jobs jobs) {
    this.temporary = config.toBlob() || config.dir() != null ? null : temporaryFolder();
    this.storage = config.toBlob() ? blob(config) : new LocalStorage(temporary != null ? temporary : config.dir());
    ExportParts parts = new ExportParts(fhir, store, search, new ExportScans(search, terminology, config.page()),
        storage, config);
    Readers readers = new Readers();
    this.kickOff = new Export(fhir, store, parts, jobs);
    this.job = new ExportJob(parts, readers);
    this.sweeper = new ExportSweeper(store.jobs(), storage, readers, config);
  }

  private static ExportStorage blob(ExportConfig config) {
    log.info("Exports go to Azure Blob storage container={} links={}", config.container(), config.links());
    return new BlobStorage(config);
  }

  private static Path temporaryFolder() {
    try {
      Path dir = Files.createTempDirectory("brazier-export");
      log.info("Exports go to a temporary folder dir={}", dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not make a temporary export folder", e);
    }
  }

  public Export kickOff() {
    return kickOff;
  }

  public ExportJob job() {
    return job;
  }

  /** Where this node's exports go. */
  ExportStorage storage() {
    return storage;
  }

  /** Starts sweeping expired exports. */
  public Exports start() {
    sweeper.start();
    return this;
  }

  @Override
  public void close() {
    sweeper.close();
    if (temporary != null) {
      try {
        FileTrees.delete(temporary);
      } catch (IOException e) {
        log.warn("Could not delete the temporary export folder dir={}: {}", temporary, e.getMessage());
      }
    }
  }
}
