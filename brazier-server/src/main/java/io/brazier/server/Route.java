package io.brazier.server;

import io.brazier.server.interaction.Interaction;

/**
 * Where the route table sends a request: what it asks for and the interaction that answers it.
 *
 * @param operation the operation's name with its {@code $}, for {@link FhirInteraction#OPERATION}; else null
 * @param name its name in metrics and logs: the class that answers
 */
record Route(FhirInteraction interaction, String operation, Interaction handler, String name) {

  static Route of(FhirInteraction interaction, Interaction handler) {
    return new Route(interaction, null, handler, nameOf(handler));
  }

  static String nameOf(Interaction handler) {
    return handler.getClass().getSimpleName();
  }
}
