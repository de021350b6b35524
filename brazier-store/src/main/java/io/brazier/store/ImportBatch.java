package io.brazier.store;

import java.util.List;

/**
 * What one step of an import's staging writes, in one transaction with the job's progress: the lines read and
 * checked, the lines deferred until every input is read (a conditional reference to a type whose inputs are still
 * unread), the lines that failed, and the deferred lines this step has now handled ({@code redone}).
 *
 * @param number the batch's number: merged batch by batch, in this order
 */
public record ImportBatch(int number, List<ImportLine> lines, List<Deferred> deferred, List<Failure> failures,
    List<Long> redone) {

  /** A line kept as it was read, with what the rest of the import must know of it already: its id and identifiers. */
  public record Deferred(long seq, String type, String id, List<String> identifiers, byte[] raw) {}

  /** A line that is not imported, and the OperationOutcome (JSON) that says why. */
  public record Failure(long seq, byte[] outcome) {}

  /**
   * A local reference of a staged line ({@code seq}, which stages {@code resource}) that names no resource of the
   * store or of the import.
   */
  public record Dangling(long seq, String resource, String reference) {}
}
