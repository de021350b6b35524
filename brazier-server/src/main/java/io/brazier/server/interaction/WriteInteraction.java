package io.brazier.server.interaction;

import io.brazier.server.FhirRequest;

/**
 * A write in two steps, so that it runs the same alone and as an entry of a transaction. Alone, {@link Commits} runs
 * both steps and stores the result. A transaction first finds every entry's target, so that references to the
 * entries can be rewritten to the ids they get, then prepares each entry and stores all of them with one commit.
 */
interface WriteInteraction extends Interaction {

  /** What the request writes: the id it names, the ids its conditions match, or a new id. Reads, never writes. */
  Target target(FhirRequest request);

  /**
   * The versions to store for {@code target} and the answer to give once they are stored. References in the body
   * are resolved through {@code links}, which also learns what this write stores.
   */
  Prepared prepare(FhirRequest request, Target target, Links links, Currents currents);
}
