package io.brazier.store;

import io.brazier.fhir.search.SearchIndex;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * One line of a bulk import, read and checked, staged until the whole import is: the resource's JSON without
 * {@code meta.versionId} and {@code meta.lastUpdated} (the merge writes them in at {@code stampAt}, the position just
 * inside the meta object, once it knows them), the version and lastUpdated the line named (null when it named none;
 * {@code lastUpdatedText} as written), its search index, the identifiers by which conditional references of other
 * lines find it ({@code value} and {@code system|value}) and the local references it makes ({@code Type/id}), which
 * are checked against the store and the whole import before anything is merged.
 *
 * @param seq the line's number in the import, {@link #seq(int, long)}: its input and its line in that input
 */
public record ImportLine(long seq, String type, String id, Integer version, Instant lastUpdated,
    String lastUpdatedText, byte[] json, int stampAt, SearchIndex index, List<String> identifiers,
    Collection<String> references) {

  /** The number of line {@code line} (from 1) of input {@code input} (from 0): inputs first, then lines. */
  public static long seq(int input, long line) {
    return ((long) input << 32) | line;
  }

  /** The input of a line number. */
  public static int input(long seq) {
    return (int) (seq >>> 32);
  }

  /** The line (from 1) within its input of a line number. */
  public static long line(long seq) {
    return seq & 0xffff_ffffL;
  }
}
