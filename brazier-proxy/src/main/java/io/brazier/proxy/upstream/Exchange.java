package io.brazier.proxy.upstream;

import io.brazier.server.FhirRequest;
import java.util.Set;

/**
 * A checked request's way to the upstream and back: {@link Forwarding#exchange} itself, or the processor chain
 * around it ({@link ProcessorExchange}).
 */
interface Exchange {

  /**
   * The answer to {@code request}, whose headers of these names may be passed on, sent from address {@code client}
   * (null: the proxy itself), with {@code body}.
   */
  UpstreamAnswer exchange(FhirRequest request, Set<String> headerNames, String client, Upstream.Body body);
}
