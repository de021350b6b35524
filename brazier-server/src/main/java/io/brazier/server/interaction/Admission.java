package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import java.util.concurrent.Semaphore;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Bounds the bundle bytes being processed at once. A parsed bundle takes several times its size in memory until it
 * is committed, so a few large transactions at once could exhaust the heap: a bundle waits until the bytes in flight
 * leave room for it (one larger than the whole budget runs alone).
 */
final class Admission {
  private static final long KIB = 1024;

  private final Semaphore permits;
  private final int total;

  Admission(long budgetBytes) {
    this.total = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budgetBytes / KIB));
    this.permits = new Semaphore(total, true);
  }

  /** Waits for room for {@code bytes}; close the permit when the bundle is done. */
  Permit admit(long bytes) {
    int wanted = (int) Math.min(total, Math.max(1, bytes / KIB));
    try {
      permits.acquire(wanted);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FhirException(503, IssueType.TRANSIENT, "The server is shutting down; retry the bundle.");
    }
    return () -> permits.release(wanted);
  }

  interface Permit extends AutoCloseable {
    @Override
    void close();
  }
}
