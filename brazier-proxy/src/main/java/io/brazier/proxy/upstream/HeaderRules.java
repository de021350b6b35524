package io.brazier.proxy.upstream;

import io.brazier.server.Caller;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * Which headers cross the proxy. Towards the upstream only what a FHIR request means passes (format, conditions,
 * preferences, the request id, Azure's {@code x-ms-} options); never the caller's {@code Authorization} (the proxy
 * sends its own), cookies or forwarding headers. The audit headers Azure API for FHIR records are the proxy's:
 * {@code X-MS-AZUREFHIR-AUDIT-USERID}, {@code -TENANT}, {@code -SOURCE} and {@code -PROXY} are set from the verified
 * token and the client's address, and a client's own copies are dropped, so no client can write another's name into
 * the upstream's audit log. Back to the client only what describes the answer passes.
 */
final class HeaderRules {
  static final String AUDIT = "x-ms-azurefhir-audit-";
  static final String USER = "X-MS-AZUREFHIR-AUDIT-USERID";
  static final String TENANT = "X-MS-AZUREFHIR-AUDIT-TENANT";
  static final String SOURCE = "X-MS-AZUREFHIR-AUDIT-SOURCE";
  static final String PROXY = "X-MS-AZUREFHIR-AUDIT-PROXY";
  static final String PROXY_NAME = "brazier-proxy";

  private static final Set<String> REQUEST = Set.of("accept", "accept-language", "content-type", "content-encoding", "prefer",
      "if-match", "if-none-match", "if-none-exist", "if-modified-since", "x-request-id");
  private static final Set<String> RESPONSE = Set.of("content-type", "etag", "last-modified", "location",
      "content-location", "retry-after", "x-progress", "x-request-id", "expires", "cache-control", "content-disposition");

  private HeaderRules() {}

  /**
   * The headers to send the upstream for a request with headers of these names and values, from {@code caller} at
   * {@code client}.
   */
  static Map<String, String> request(Collection<String> names, Function<String, String> headers, Caller caller,
      String client) {
    Map<String, String> passed = new LinkedHashMap<>();
    for (String name : names) {
      String lower = name.toLowerCase(Locale.ROOT);
      boolean azureOption = lower.startsWith("x-ms-") && !lower.startsWith(AUDIT);
      String value = headers.apply(name);
      if ((REQUEST.contains(lower) || azureOption) && value != null) {
        passed.put(name, value);
      }
    }
    passed.putIfAbsent("Accept", "application/fhir+json");
    putIfKnown(passed, USER, caller.subject());
    putIfKnown(passed, TENANT, tenant(caller.issuer()));
    putIfKnown(passed, SOURCE, client);
    passed.put(PROXY, PROXY_NAME);
    return passed;
  }

  /** The upstream answer's headers a client gets, each value passed through {@code rewrite} (the base URL). */
  static Map<String, String> response(HttpFields headers, Function<String, String> rewrite) {
    Map<String, String> passed = new LinkedHashMap<>();
    for (HttpField header : headers) {
      String lower = header.getLowerCaseName();
      if ((RESPONSE.contains(lower) || lower.startsWith("x-ms-")) && !passed.containsKey(header.getName())) {
        passed.put(header.getName(), rewrite.apply(header.getValue()));
      }
    }
    return passed;
  }

  private static void putIfKnown(Map<String, String> headers, String name, String value) {
    if (value != null && !value.isBlank()) {
      headers.put(name, value);
    }
  }

  /**
   * The tenant of an Entra issuer ({@code https://login.microsoftonline.com/<tenant>/v2.0},
   * {@code https://sts.windows.net/<tenant>/}); any other issuer is its own tenant.
   */
  static String tenant(String issuer) {
    if (issuer == null) {
      return null;
    }
    for (String host : List.of("https://login.microsoftonline.com/", "https://sts.windows.net/")) {
      if (issuer.startsWith(host)) {
        return issuer.substring(host.length()).split("/")[0];
      }
    }
    return issuer;
  }
}
