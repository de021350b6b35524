package io.brazier.loader;

import java.io.IOException;

/**
 * A FHIR server the loader sends to, reached only through its API: over HTTP ({@link HttpFhirTarget}), or in the
 * server's own process. A failure to reach the server is an {@link IOException}; every answer the server gives,
 * errors included, is a {@link FhirReply}.
 */
public interface FhirTarget {

  FhirReply send(FhirCall call) throws IOException;
}
