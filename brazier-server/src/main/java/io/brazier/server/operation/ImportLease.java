package io.brazier.server.operation;

import java.util.function.Supplier;

/**
 * Keeps an import's lease while one step runs longer than the lease (a check over the whole import is one statement,
 * building an index another): a thread renews it every few seconds, with the cursor as it stands.
 */
final class ImportLease {
  private static final long RENEWAL_MILLIS = 5_000;

  private final Jobs.Run run;
  private final ImportStager stager;

  ImportLease(Jobs.Run run, ImportStager stager) {
    this.run = run;
    this.stager = stager;
  }

  /** Runs {@code step}, renewing the lease meanwhile; the cursor does not move during it. */
  <T> T during(Supplier<T> step) {
    Thread renewer = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(RENEWAL_MILLIS);
          ImportRun.Cursor cursor = stager.cursor();
          run.progress(cursor.read(), null, JobJson.write(cursor));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "brazier-import-lease");
    renewer.setDaemon(true);
    renewer.start();
    try {
      return step.get();
    } finally {
      renewer.interrupt();
      try {
        renewer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Runs {@code step}, renewing the lease meanwhile. */
  void during(Runnable step) {
    during(() -> {
      step.run();
      return null;
    });
  }
}
