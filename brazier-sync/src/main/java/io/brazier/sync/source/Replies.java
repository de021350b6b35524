package io.brazier.sync.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.FhirCall;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import io.brazier.client.Jackson;
import java.io.IOException;

/** Calls that answer JSON: a failure, or a body that is not JSON, is a {@link SourceException} saying why. */
final class Replies {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  private Replies() {}

  static FhirReply send(FhirClient fhir, String url) throws SourceException {
    try {
      return fhir.send(FhirCall.get(url));
    } catch (SourceException e) {
      throw e;
    } catch (IOException e) {
      throw new SourceException(0, "The FHIR server " + fhir.name() + " could not be reached: " + e.getMessage());
    }
  }

  /** The JSON body of a successful reply. */
  static JsonNode json(FhirClient fhir, String url, FhirReply reply) throws SourceException {
    if (!reply.ok()) {
      throw new SourceException(reply.status(), "GET " + url + " answered " + reply.status() + ": "
          + reply.diagnostics());
    }
    try {
      return JSON.readTree(reply.body());
    } catch (IOException e) {
      throw new SourceException(reply.status(), "GET " + url + " answered what is not JSON: " + e.getMessage());
    }
  }
}
