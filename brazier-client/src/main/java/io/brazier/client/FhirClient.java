package io.brazier.client;

import java.io.IOException;

/**
 * A FHIR server, reached only through its API: over HTTP ({@link HttpFhirClient}), or in the server's own process
 * (the server's {@code FhirApi.client}). A failure to reach the server is an {@link IOException}; every answer the
 * server gives, errors included, is a {@link FhirReply}.
 */
public interface FhirClient {

  FhirReply send(FhirCall call) throws IOException;

  default FhirReply get(String path) throws IOException {
    return send(FhirCall.get(path));
  }

  /** Where the server is, for logs and status pages: its base URL where it has one. */
  default String name() {
    return "the FHIR server";
  }
}
