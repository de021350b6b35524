package io.brazier.server.interaction;

import io.brazier.fhir.search.SearchQuery;
import io.brazier.server.FhirRequest;
import io.brazier.store.SearchPage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The links of a searchset: self, first, previous, next and last. A later page's link carries the client's own
 * parameters (those the search ignored left out) and an opaque {@code _cursor}: the snapshot and the offset.
 */
final class PageLinks {
  private PageLinks() {}

  /** The client's parameters minus the ones the search ignored (sort fields too) and the cursor. */
  static Map<String, List<String>> kept(Map<String, List<String>> params, SearchQuery query) {
    Map<String, List<String>> kept = new LinkedHashMap<>(params);
    kept.remove("_cursor");
    query.ignored().forEach(ignored -> kept.remove(ignored.parameter()));
    if (kept.containsKey("_sort")) {
      // An ignored field is named apart (_sort:field); the links say the sort that was applied, as one list.
      List<String> applied = query.sort().stream().map(key -> (key.descending() ? "-" : "") + key.param()).toList();
      if (applied.isEmpty()) {
        kept.remove("_sort");
      } else {
        kept.put("_sort", List.of(String.join(",", applied)));
      }
    }
    return kept;
  }

  static Map<String, String> paging(FhirRequest request, String path, Map<String, List<String>> params,
      SearchPage page, int offset, int count) {
    Map<String, String> links = new LinkedHashMap<>();
    if (page.snapshot() == null) {
      links.put("self", url(request, path, params, null));
      return links;
    }
    Map<String, List<String>> paged = new LinkedHashMap<>(params);
    paged.put("_count", List.of(Integer.toString(count)));
    int step = Math.max(count, 1);
    int last = page.total() == 0 ? 0 : (page.total() - 1) / step * step;
    links.put("self", url(request, path, paged, cursor(page, offset)));
    links.put("first", url(request, path, paged, cursor(page, 0)));
    if (offset > 0) {
      links.put("previous", url(request, path, paged, cursor(page, Math.max(0, offset - step))));
    }
    if (offset + step < page.total()) {
      links.put("next", url(request, path, paged, cursor(page, offset + step)));
    }
    links.put("last", url(request, path, paged, cursor(page, last)));
    return links;
  }

  private static String cursor(SearchPage page, int offset) {
    return new Search.Cursor(page.snapshot(), offset).encode();
  }

  static String url(FhirRequest request, String path, Map<String, List<String>> params, String cursor) {
    StringBuilder url = new StringBuilder(request.baseUrl());
    if (!path.isEmpty()) {
      url.append('/').append(path);
    }
    char separator = '?';
    for (Map.Entry<String, List<String>> param : params.entrySet()) {
      for (String value : param.getValue()) {
        url.append(separator).append(encode(param.getKey())).append('=').append(encode(value));
        separator = '&';
      }
    }
    if (cursor != null) {
      url.append(separator).append("_cursor=").append(encode(cursor));
    }
    return url.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("%3A", ":").replace("%2C", ",")
        .replace("%2F", "/");
  }
}
