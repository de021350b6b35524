package io.brazier.server.export;

import java.util.List;
import java.util.Map;

/** Export requests as the kick-off makes them, for tests of what runs them: only what a test varies is named. */
final class Requests {
  private Requests() {}

  /** An export at {@code level} as of {@code sequence}: no dates, elements, Provenance nor restriction. */
  static ExportRequest of(ExportRequest.Level level, List<String> patients, List<String> types,
      Map<String, List<String>> typeFilters, long sequence) {
    return new ExportRequest(level, null, patients, List.of(), types, List.of(), null, typeFilters, null, null,
        List.of(), null, "http://127.0.0.1/fhir/$export", "http://127.0.0.1/fhir", sequence, "2026-01-01T00:00:00Z",
        null, List.of(), false, null);
  }

  /** The same export, of what changed from {@code since} on. */
  static ExportRequest since(ExportRequest request, String since) {
    return new ExportRequest(request.level(), request.group(), request.patients(), request.departed(), request.types(),
        request.referenced(), request.provenance(), request.typeFilters(), since, request.until(),
        request.elements(), request.container(), request.request(), request.baseUrl(), request.sequence(),
        request.transactionTime(), request.restriction(), request.issues(), request.lenient(), request.twin());
  }

  /** The same export, with the Provenance of its resources beside them. */
  static ExportRequest withProvenance(ExportRequest request, ExportRequest.Provenance provenance) {
    return new ExportRequest(request.level(), request.group(), request.patients(), request.departed(), request.types(),
        request.referenced(), provenance, request.typeFilters(), request.since(), request.until(),
        request.elements(), request.container(), request.request(), request.baseUrl(), request.sequence(),
        request.transactionTime(), request.restriction(), request.issues(), request.lenient(), request.twin());
  }

  /** The same export, asked for with {@code Prefer: handling=lenient}. */
  static ExportRequest lenient(ExportRequest request) {
    return new ExportRequest(request.level(), request.group(), request.patients(), request.departed(), request.types(),
        request.referenced(), request.provenance(), request.typeFilters(), request.since(), request.until(),
        request.elements(), request.container(), request.request(), request.baseUrl(), request.sequence(),
        request.transactionTime(), request.restriction(), request.issues(), true, request.twin());
  }
}
