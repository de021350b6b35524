package io.brazier.proxy;

import io.brazier.client.ClientCredentials;
import io.brazier.client.HttpUrls;
import io.brazier.proxy.upstream.TrustedProxies;
import io.brazier.proxy.upstream.Upstream.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The standalone proxy ({@code brazier proxy}): where it listens and the FHIR server it stands in front of.
 *
 * @param upstream the upstream's FHIR base URL ({@code --upstream})
 * @param host the address to listen on ({@code --host})
 * @param port the port to listen on ({@code --port}; 0 for any free one)
 * @param baseUrl the proxy's FHIR base URL as clients know it ({@code --base-url}), or null to take it from requests
 * @param credentials the proxy's own identity towards the upstream (OAuth2 client credentials), or none
 * @param trustedProxies addresses and CIDR ranges whose {@code X-Forwarded-*} headers are believed
 * @param retries how idempotent requests the upstream answers 429 or 503 are tried again
 * @param timeout the longest wait for the upstream's answer to begin ({@code --upstream-timeout})
 * @param maxBufferedBytes the largest PUT or DELETE body, held so that it can be sent again ({@code --max-body-bytes})
 */
public record UpstreamConfig(URI upstream, String host, int port, String baseUrl,
    Optional<ClientCredentials.Config> credentials, List<String> trustedProxies, RetryPolicy retries,
    Duration timeout, long maxBufferedBytes) {
  /** The largest body a Java array holds, with one byte more to tell that a body is larger. */
  public static final long MOST_BUFFERED_BYTES = Integer.MAX_VALUE - 9;

  public UpstreamConfig {
    if (!HttpUrls.isHttp(upstream)) {
      throw new IllegalArgumentException("--upstream takes the FHIR base URL of the server behind the proxy"
          + " (https://fhir.example.com/fhir), not '" + upstream + "'");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--port must be between 0 and 65535, not " + port);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("--upstream-timeout must be more than 0, not " + timeout);
    }
    if (maxBufferedBytes < 1 || maxBufferedBytes > MOST_BUFFERED_BYTES) {
      // A body is held in one array: a larger limit would cut the body it could not hold, and send the rest.
      throw new IllegalArgumentException("--max-body-bytes must be between 1 and " + MOST_BUFFERED_BYTES + ", not "
          + maxBufferedBytes);
    }
    trustedProxies = List.copyOf(trustedProxies);
    new TrustedProxies(trustedProxies); // refuses, naming the flag, what is no address or range
  }
}
