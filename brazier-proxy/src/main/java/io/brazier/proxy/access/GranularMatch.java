package io.brazier.proxy.access;

import io.brazier.server.Caller;
import io.brazier.server.FhirApi;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.IdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which resources a granular scope reaches ({@code Observation.rs?category=laboratory}): the server's own search
 * decides, asked in process for those ids with the scope's parameters, so that a scope means exactly what the same
 * search would find.
 */
final class GranularMatch {
  private static final Logger log = LoggerFactory.getLogger(GranularMatch.class);
  /** Who asks: this module itself, with every right, and no one a token can name. */
  static final Caller CHECKER = new Caller("brazier-proxy", null, Set.of(Role.ADMINISTRATOR.title()), Set.of(),
      null, null, null);

  private final FhirApi api;

  GranularMatch(FhirApi api) {
    this.api = api;
  }

  /** The ids among {@code ids} of resources of {@code type} that match at least one of {@code constraints}. */
  Set<String> matching(String type, Collection<String> ids, List<Map<String, String>> constraints, String baseUrl) {
    Set<String> matched = new HashSet<>();
    for (Map<String, String> constraint : constraints) {
      StringBuilder url = new StringBuilder(type).append("?_id=").append(encode(String.join(",", ids)))
          .append("&_elements=id&_count=").append(ids.size());
      constraint.forEach((name, value) -> url.append('&').append(encode(name)).append('=').append(encode(value)));
      // Strict: a parameter the server does not know must not be ignored, which would match everything.
      FhirResponse response = api.handle(FhirRequest.builder("GET", url.toString()).baseUrl(baseUrl)
          .header("Prefer", "handling=strict").caller(CHECKER).build());
      if (response.status() == 200 && response.bundle() != null) {
        matched.addAll(ids(response.bundle().bundle()));
      } else {
        log.warn("A granular scope cannot be checked, so it grants nothing type={} constraint={} status={}", type,
            constraint.keySet(), response.status());
      }
    }
    return matched;
  }

  private static Set<String> ids(Bundle bundle) {
    Set<String> ids = new HashSet<>();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.hasFullUrl() && entry.getSearch().getMode() == Bundle.SearchEntryMode.MATCH) {
        ids.add(new IdType(entry.getFullUrl()).getIdPart());
      }
    }
    return ids;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
