package io.brazier.server.interaction;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.store.Store;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;

/**
 * POST [base]: reads the Bundle once and hands it to {@link Transaction} or {@link Batch} by its type, within limits
 * on entries and bytes (413 beyond them) and on the bundle bytes in flight at once.
 * https://hl7.org/fhir/R4/http.html#transaction
 */
public final class Bundles implements Interaction {
  private final BundleReader reader;
  private final Entries entries;
  private final Transaction transaction;
  private final Batch batch;
  private final Commits commits;
  private final Admission admission;
  private final int maxEntries;
  private final long maxBytes;

  /**
   * @param router routes each entry's request as a request of its own
   * @param maxEntries most entries one bundle may have
   * @param maxBytes largest bundle body, in bytes
   */
  public Bundles(Fhir fhir, Store store, Bodies bodies, References references, Reachable reachable,
      Commits commits, EntryRouter router, int maxEntries, long maxBytes) {
    EntryResponses responses = new EntryResponses(fhir, router);
    this.reader = new BundleReader(fhir, bodies);
    this.entries = new Entries(fhir, router);
    this.transaction = new Transaction(store, references, reachable, responses);
    this.batch = new Batch(store, commits, responses);
    this.commits = commits;
    // A bundle takes about ten times its size until committed (measured on Synthea's largest, 36 MB): keep the
    // bundle bytes in flight to a sixteenth of the heap, which leaves room for everything else.
    this.admission = new Admission(Runtime.getRuntime().maxMemory() / 16);
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    byte[] body = request.body();
    if (body.length > maxBytes) {
      throw FhirException.tooLarge("The bundle has " + body.length + " bytes; this server takes at most " + maxBytes
          + " in one batch or transaction (--bundle-max-bytes).");
    }
    try (Admission.Permit permit = admission.admit(body.length)) {
      BundleReader.Read read = reader.read(request, maxEntries);
      Bundle bundle = read.bundle();
      BundleType type = bundle.getType();
      if (type != BundleType.TRANSACTION && type != BundleType.BATCH) {
        throw FhirException.badRequest("POST to the base takes a Bundle of type batch or transaction, not "
            + (type == null || type == BundleType.NULL ? "one without a type" : type.toCode()) + ".");
      }
      List<Entry> list = entries.of(request, bundle.getEntry(), read.bodies(), read.failures());
      // The conditional entries take their turns together, as one conditional write alone takes its own.
      return commits.holdingConditions(Entry.writeRequests(list), () -> type == BundleType.TRANSACTION
          ? transaction.process(request, list) : batch.process(request, list));
    }
  }
}
