package io.brazier.sync;

import java.io.IOException;

/** OAuth2 access tokens for a FHIR server that asks for them (brazier-app gives the client-credentials flow). */
@FunctionalInterface
public interface BearerTokens {

  /** A token to send: the current one, or a new one when {@code fresh} (the server refused the last). */
  String token(boolean fresh) throws IOException;
}
