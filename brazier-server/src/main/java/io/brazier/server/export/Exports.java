package io.brazier.server.export;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.Terminology;
import io.brazier.server.ExportConfig;
import io.brazier.server.operation.Jobs;
import io.brazier.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk Data export as the route table wires it: the kick-off, the job kind, and the sweeper of expired exports, over
 * the storage the configuration names (a local folder, or Azure Blob storage). A temporary folder, when no folder is
 * named, is this process's alone ({@link LocalRoot}): made by the first export, it goes when the node closes.
 */
public final class Exports implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Exports.class);

  private final Export kickOff;
  private final ExportJob job;
  private final ExportSweeper sweeper;
  private final ExportStorage storage;
  private final LocalRoot local;

  public Exports(Fhir fhir, Store store, FhirSearch search, Terminology terminology, ExportConfig config, Jobs jobs) {
    this.local = config.toBlob() ? null : config.dir() != null ? LocalRoot.named(config.dir()) : LocalRoot.temporary();
    this.storage = local == null ? blob(config) : new LocalStorage(local);
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
    if (local != null) {
      local.close();
    }
  }
}
