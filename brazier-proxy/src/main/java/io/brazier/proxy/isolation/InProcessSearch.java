package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.proxy.access.Authorization;
import io.brazier.server.FhirApi;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.http.StoredBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;

/** Searches the server in process as the proxy itself ({@link Authorization#PROXY}), every page. */
final class InProcessSearch implements Lookup {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FhirApi api;

  InProcessSearch(FhirApi api) {
    this.api = api;
  }

  @Override
  public List<JsonNode> all(String url) {
    List<JsonNode> matches = new ArrayList<>();
    for (String next = url; next != null; ) {
      FhirResponse response = api.handle(FhirRequest.builder("GET", next).caller(Authorization.PROXY).build());
      StoredBundle page = response.bundle();
      if (response.status() != 200 || page == null) {
        throw new IllegalStateException("Isolation could not search " + url + ": status " + response.status());
      }
      List<BundleEntryComponent> entries = page.bundle().getEntry();
      for (int i = 0; i < entries.size(); i++) {
        if (entries.get(i).getSearch().getMode() == Bundle.SearchEntryMode.MATCH) {
          matches.add(parse(page.resources().get(i)));
        }
      }
      Bundle.BundleLinkComponent link = page.bundle().getLink("next");
      // Asked without a base URL, the links are [/]Type?...: below the base, as the builder takes them.
      next = link == null ? null : link.getUrl().substring(1);
    }
    return matches;
  }

  private static JsonNode parse(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
