package io.brazier.proxy.isolation;

import io.brazier.fhir.BaseUrl;
import io.brazier.fhir.FhirException;
import io.brazier.server.Caller;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.Interceptor;
import io.brazier.server.http.Queries;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Paging links bound to their caller and their search: the cursor ({@code _cursor}) in every link of a search or
 * history page is sealed ({@link CursorSeal}) to the caller's identity and the link's own path and parameters. A
 * link followed by another caller, or with a parameter changed, is refused with 403 before the server reads a page,
 * and a sealed cursor tells nothing (a history cursor would name the time and row of a version, perhaps one outside
 * the caller's reach).
 */
public final class PagingCursors implements Interceptor {
  static final String CURSOR = "_cursor";

  private final CursorSeal seal;

  public PagingCursors(CursorSeal seal) {
    this.seal = seal;
  }

  @Override
  public FhirRequest before(FhirRequest request) {
    String sealed = request.param(CURSOR);
    if (sealed == null || request.caller().isAnonymous()) {
      return request;
    }
    String cursor = seal.open(sealed, binding(request.caller(), request.segments(), request.query()))
        .orElseThrow(() -> FhirException.forbidden("This page link was given to another caller, or for another"
            + " search: follow the links of your own search, unchanged."));
    Map<String, List<String>> query = new LinkedHashMap<>(request.query());
    query.put(CURSOR, List.of(cursor));
    return request.withQuery(query);
  }

  @Override
  public FhirResponse after(FhirRequest request, FhirResponse response) {
    if (response.bundle() == null || request.caller().isAnonymous()) {
      return response;
    }
    String base = request.baseUrl();
    for (Bundle.BundleLinkComponent link : response.bundle().bundle().getLink()) {
      String url = link.getUrl();
      Optional<String> below = url == null ? Optional.empty() : BaseUrl.below(url, base);
      if (below.isPresent() && url.contains(CURSOR + "=")) {
        link.setUrl(sealed(request.caller(), base, below.get()));
      }
    }
    return response;
  }

  /**
   * A link below {@code base} ({@code Observation?code=x&_cursor=...}, or {@code ?_cursor=...} on the base itself)
   * with its cursor sealed.
   */
  private String sealed(Caller caller, String base, String link) {
    int question = link.indexOf('?');
    String path = link.substring(0, question);
    List<String> segments = Queries.segments(path);
    Map<String, List<String>> query = Queries.parse(link.substring(question + 1));
    String binding = binding(caller, segments, query);
    StringBuilder url = new StringBuilder(base);
    if (!path.isEmpty()) {
      url.append(base.endsWith("/") ? "" : "/").append(path);
    }
    char separator = '?';
    for (Map.Entry<String, List<String>> param : query.entrySet()) {
      for (String value : param.getValue()) {
        String written = param.getKey().equals(CURSOR) ? seal.seal(value, binding) : value;
        url.append(separator).append(encode(param.getKey())).append('=').append(encode(written));
        separator = '&';
      }
    }
    return url.toString();
  }

  /**
   * What a cursor is sealed to: who, in which patient's context (one user may launch in several), the path, and
   * every parameter but the cursor, in one order.
   */
  private static String binding(Caller caller, List<String> segments, Map<String, List<String>> query) {
    StringBuilder binding = new StringBuilder(caller.identity()).append('\n').append(caller.patient()).append('\n')
        .append(String.join("/", segments));
    new TreeMap<>(query).forEach((name, values) -> {
      if (!name.equals(CURSOR)) {
        values.forEach(value -> binding.append('&').append(encode(name)).append('=').append(encode(value)));
      }
    });
    return binding.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
