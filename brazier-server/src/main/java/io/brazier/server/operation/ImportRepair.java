package io.brazier.server.operation;

import io.brazier.store.Imports;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up after imports that stopped without doing it themselves: one cancelled while its node was down leaves the
 * search indexes it dropped unbuilt (searches stay right, only slower) and its staging in the database, and no runner
 * resumes a cancelled job. Every node repairs in the background at its start and then every lease, so that a node
 * that is up cleans up within a minute or two, without waiting for the next import or start; two nodes repairing at
 * once build each index once.
 */
final class ImportRepair implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ImportRepair.class);
  /** Indexes built at once: the repair runs beside the server's own work. */
  private static final int PARALLEL = 2;

  private final Imports imports;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "brazier-import-repair");
    thread.setDaemon(true);
    return thread;
  });

  ImportRepair(Imports imports) {
    this.imports = imports;
  }

  void start() {
    timer.scheduleWithFixedDelay(this::repair, 0, Jobs.LEASE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void repair() {
    try {
      // A runner still finishing an import just cancelled keeps its staging until it stops, within its lease.
      imports.repair(PARALLEL, Jobs.LEASE);
    } catch (RuntimeException e) {
      log.warn("Could not clean up after imports that stopped, trying again in {} s: {}", Jobs.LEASE.toSeconds(),
          e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
