package io.brazier.server.interaction;

import io.brazier.server.http.FhirRequest;
import io.brazier.server.http.FhirResponse;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;

/**
 * FHIR batch: POST [base] with a Bundle of type batch. Each entry runs on its own, by the same interaction code as a
 * request of its own, and answers with its own status, location, etag and lastModified, or an OperationOutcome when
 * it fails: one bad entry never blocks the others. https://hl7.org/fhir/R4/http.html#transaction
 */
final class Batch {
  private final EntryResponses responses;

  Batch(EntryResponses responses) {
    this.responses = responses;
  }

  FhirResponse process(FhirRequest request, List<Entry> entries) {
    List<BundleEntryComponent> out = new ArrayList<>(entries.size());
    for (Entry entry : entries) {
      out.add(responses.run(entry, request.baseUrl()));
    }
    return FhirResponse.ok(responses.bundle(BundleType.BATCHRESPONSE, out));
  }
}
