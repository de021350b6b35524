package io.brazier.server.interaction;

import io.brazier.server.FhirResponse;
import io.brazier.store.Write;
import java.util.List;

/** A write ready to commit: the versions to store and the answer to give once they are stored. */
record Prepared(List<Write> writes, FhirResponse response) {

  public Prepared {
    writes = List.copyOf(writes);
  }
}
