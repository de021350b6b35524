package io.brazier.sync;

import java.io.IOException;

/**
 * The FHIR server the agent syncs from, reached only through its API: over HTTP ({@link HttpFhirClient}), or in the
 * server's own process (brazier-app's adapter of the server's {@code FhirApi}). Every answer the server gives, errors
 * included, is a {@link FhirReply}; only a server that cannot be reached is an {@link IOException}.
 */
public interface FhirClient {

  /** @param call a request whose URL is relative to the FHIR base ({@code Patient/12}, {@code $changes?since=0}) */
  FhirReply send(FhirCall call) throws IOException;

  default FhirReply get(String url) throws IOException {
    return send(FhirCall.get(url));
  }

  /** Where the server is, for logs and the status ({@code http://host/fhir}, or the in-process server's). */
  String name();
}
