package io.brazier.server.http;

import io.brazier.store.ResourceVersion;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.Resource;

/**
 * A Bundle whose entries are mostly stored versions: rendered as plain JSON, their stored bytes are spliced in
 * without parsing, which is what makes paging through large results fast. {@code links} are relation to URL, in
 * order; {@code total} is null when not reported.
 */
public record BundleBody(BundleType type, Integer total, Map<String, String> links, List<Entry> entries) {

  /** An entry: a stored version or, for outcome entries, a resource built in memory. */
  public record Entry(String fullUrl, ResourceVersion stored, Resource resource, SearchEntryMode mode) {}

  public BundleBody {
    links = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(links));
    entries = List.copyOf(entries);
  }
}
