package io.brazier.server;

import io.brazier.server.interaction.Interaction;

/**
 * Where the route table sends a request: what it asks for and the interaction that answers it.
 *
 * @param operation the operation's name with its {@code $}, for {@link FhirInteraction#OPERATION}; else null
 */
record Route(FhirInteraction interaction, String operation, Interaction handler) {

  static Route of(FhirInteraction interaction, Interaction handler) {
    return new Route(interaction, null, handler);
  }

  /** Its name in metrics and logs: the class that answers. */
  String name() {
    return handler.getClass().getSimpleName();
  }
}
