package io.brazier.server.interaction;

import io.brazier.server.FhirResponse;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Write;
import java.util.List;

/**
 * A write ready to commit: the versions to store, the answer to give once they are stored, and the stored versions
 * they replace that {@link Commits#checkReached} found within the request's restriction already, so that
 * {@link Reachable#checkWrites} need not look at them again.
 */
record Prepared(List<Write> writes, FhirResponse response, List<ResourceVersion> reached) {

  public Prepared {
    writes = List.copyOf(writes);
    reached = List.copyOf(reached);
  }

  /** A write that replaces no version found within the restriction already. */
  Prepared(List<Write> writes, FhirResponse response) {
    this(writes, response, List.of());
  }
}
