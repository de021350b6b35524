package io.brazier.proxy.upstream;

import io.brazier.client.FhirClient;
import io.brazier.fhir.Fhir;
import io.brazier.proxy.access.Authorization;
import io.brazier.server.FhirRequest;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Sends a request that security has let through to the upstream and hands back its answer, the base URL of its
 * headers already the proxy's. This is the one place a request meets the upstream: a chain of pre- and
 * post-processors wraps {@link #exchange}, changing the request before it and the answer after it, or answering
 * without it.
 */
public final class Forwarding {
  private final Upstream upstream;

  public Forwarding(Upstream upstream) {
    this.upstream = upstream;
  }

  /**
   * The upstream's answer to {@code request} (its caller verified, its rights checked, its headers those the proxy
   * sends), with {@code body}.
   */
  UpstreamAnswer exchange(FhirRequest request, Set<String> headerNames, String client, Upstream.Body body) {
    String pathAndQuery = request.url().substring(request.baseUrl().length());
    Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    names.addAll(headerNames);
    names.add("Prefer"); // authorization may have set it
    Map<String, String> headers = HeaderRules.request(names, request::header, request.caller(), client);
    Upstream.Answer response = upstream.send(request.method(), pathAndQuery, headers, body);
    Map<String, String> answered = HeaderRules.response(response.headers(),
        value -> BaseUrlRewriting.rewrite(value, upstream.base(), request.baseUrl()));
    return new UpstreamAnswer(response.status(), answered, response.body(),
        response.headers().getLongField(HttpHeader.CONTENT_LENGTH));
  }

  /**
   * The upstream as the proxy itself reaches it through {@link #exchange} (its own identity, no caller's checks, no
   * processors): what isolation reads there to decide.
   */
  public FhirClient asProxy(Fhir fhir) {
    return new ForwardingClient(fhir, this::exchange, Authorization.PROXY, upstream.base(), upstream.base());
  }

  String upstreamBase() {
    return upstream.base();
  }
}
